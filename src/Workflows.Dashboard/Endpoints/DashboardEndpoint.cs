namespace Workflows.Dashboard.Endpoints;

/// <summary>
/// Marks the dashboard's endpoints (browser pages with a sign-in cookie, not the API's bearer-token endpoints): mounted
/// at <c>/</c>, some of its routes start with <c>/jobs/</c> like the seeds' <c>/jobs/requests</c> API.
/// </summary>
internal sealed class DashboardEndpoint
{
    public static readonly DashboardEndpoint Instance = new();
}

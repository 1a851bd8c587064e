namespace Workflows.Dashboard;

/// <summary>What the dashboard lets people do (configuration section <c>Workflows:Dashboard</c> in the host).</summary>
public enum DashboardMode
{
    /// <summary>Every page, and the actions each token's scopes allow.</summary>
    Full,

    /// <summary>Every page, no action: buttons are disabled and the server refuses every post but sign-in and sign-out.</summary>
    ReadOnly,

    /// <summary>No dashboard: <c>workflows serve</c> does not map it.</summary>
    Off,
}

/// <summary>Settings of the dashboard.</summary>
public sealed class WorkflowsDashboardOptions
{
    /// <summary>Full (default), ReadOnly or Off.</summary>
    public DashboardMode Mode { get; set; } = DashboardMode.Full;

    /// <summary>How long a sign-in lasts (the cookie's lifetime); the token itself is checked on every request, so a revoked token ends it at once.</summary>
    /// <value>Default: 12 hours.</value>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often a live page asks the store for changes (jobs list, job page, live log).</summary>
    /// <value>Default: 250 ms.</value>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

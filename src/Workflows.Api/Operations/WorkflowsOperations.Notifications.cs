using Workflows.Marten.Notifications;

namespace Workflows.Api.Operations;

/// <summary>A job's notifications: what its events caused to be sent, and each send.</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>The job's notifications (notify emails and slack messages, job and task webhooks) in the order their events happened, with every send.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<NotificationRecord>>> NotificationsAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<IReadOnlyList<NotificationRecord>>(id, view) is { } missing)
        {
            return missing;
        }

        return ApiResult<IReadOnlyList<NotificationRecord>>.Ok(await jobs.Notifications.ListAsync(id, cancellationToken).ConfigureAwait(false));
    }
}

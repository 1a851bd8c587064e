using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Scheduling;

/// <summary>
/// Fires cron schedules: wakes for the next instant of any schedule (at the latest every
/// <see cref="WorkflowsOptions.ScheduleCheck"/>, to see new definitions, pauses and resumes) and lets
/// <see cref="Schedules.TickAsync"/> fire what is due. Off when <see cref="WorkflowsOptions.RunSchedules"/> is false.
/// </summary>
internal sealed partial class ScheduleService(Schedules schedules, IOptions<WorkflowsOptions> options, TimeProvider time, ILogger<ScheduleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunSchedules)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.ScheduleCheck;
            try
            {
                if (await schedules.TickAsync(stoppingToken).ConfigureAwait(false) is { } next)
                {
                    var until = next - time.GetUtcNow();
                    wait = until < TimeSpan.Zero ? TimeSpan.Zero : until < wait ? until : wait;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be out of reach or its schema not applied yet: look again later; missed instants are caught up then.
                LogTickFailed(logger, e);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduler could not look at the schedules; it tries again shortly.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}

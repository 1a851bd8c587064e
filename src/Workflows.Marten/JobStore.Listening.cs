using Marten;
using Marten.Exceptions;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>LISTEN/NOTIFY: wake-ups for due work, cancellations and config changes.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// Listens on the store's channels until cancelled: <paramref name="onDue"/> is called when a transaction schedules
    /// work, <paramref name="onCancel"/> with the job's id when a job's cancellation is asked for, and
    /// <paramref name="configs"/> hears of config changes (it caches what attempts see only while this listens). One
    /// listener per process is enough; it wakes that process's idle workers and stops its running attempts of cancelled jobs.
    /// </summary>
    /// <param name="onDue">Called for each notification of due work.</param>
    /// <param name="onCancel">Called with the job id of each cancelled job.</param>
    /// <param name="configs">The process's job configs, if any.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    public async Task ListenAsync(Action onDue, Action<string>? onCancel, Configs.JobConfigs? configs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onDue);
        var schema = store.Options.DatabaseSchemaName;
        var cancelChannel = DueTasks.CancelChannel(schema);
        var configsChannel = Configs.JobConfigs.Channel(schema);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.Notification += (_, e) =>
            {
                if (e.Channel == cancelChannel)
                {
                    onCancel?.Invoke(e.Payload);
                }
                else if (e.Channel == configsChannel)
                {
                    configs?.Changed(listening: true);
                }
                else
                {
                    onDue();
                }
            };
            await using (var listen = connection.CreateCommand())
            {
                listen.CommandText = $"listen \"{DueTasks.Channel(schema)}\"; listen \"{cancelChannel}\"; listen \"{configsChannel}\"";
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            configs?.Listening();
            while (!cancellationToken.IsCancellationRequested)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            // A wait cut short by the cancellation may surface as a broken connection: the caller asked to stop, say so.
            throw new OperationCanceledException("Listening stopped.", e, cancellationToken);
        }
        finally
        {
            configs?.Changed(listening: false);
        }
    }
}

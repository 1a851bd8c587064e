using System.Collections.Concurrent;

namespace Workflows.Hosting;

/// <summary>
/// The attempts this process is running, by job: a cancellation notification (or a worker that sees the job
/// cancelling) stops each of the job's running attempts at once.
/// </summary>
public sealed class RunningAttempts
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CancellationTokenSource, byte>> _byJob = new(StringComparer.Ordinal);

    /// <summary>Registers a running attempt of <paramref name="jobId"/>; dispose the result when it ends.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancel">Cancelled when the job is cancelled.</param>
    public IDisposable Register(string jobId, CancellationTokenSource cancel)
    {
        var attempts = _byJob.GetOrAdd(jobId, _ => new());
        attempts[cancel] = 0;
        return new Registration(this, jobId, cancel);
    }

    /// <summary>Stops every running attempt of the job in this process.</summary>
    /// <param name="jobId">The job run.</param>
    /// <returns>How many attempts were told to stop.</returns>
    public int Cancel(string jobId)
    {
        if (!_byJob.TryGetValue(jobId, out var attempts))
        {
            return 0;
        }

        var count = 0;
        foreach (var cancel in attempts.Keys)
        {
            try
            {
                cancel.Cancel();
                count++;
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }

        return count;
    }

    private sealed class Registration(RunningAttempts owner, string jobId, CancellationTokenSource cancel) : IDisposable
    {
        public void Dispose()
        {
            if (owner._byJob.TryGetValue(jobId, out var attempts))
            {
                attempts.TryRemove(cancel, out _);
                if (attempts.IsEmpty)
                {
                    owner._byJob.TryRemove(KeyValuePair.Create(jobId, attempts));
                }
            }
        }
    }
}

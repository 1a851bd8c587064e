using System.Threading.Channels;

namespace Workflows.Marten;

/// <summary>
/// Group commit: writes to different jobs that arrive while a commit is in flight are committed together in the
/// next transaction (one round trip, one commit, one WAL flush for many jobs). A lone write is committed at once (no
/// waiting for company). When a grouped commit fails (a stale version of one job, a lost connection), each of its
/// writes is committed again on its own, so a write fails only for its own reason and no write depends on another.
/// </summary>
/// <typeparam name="T">A write.</typeparam>
/// <param name="commit">Commits writes in one transaction, or none of them (throws).</param>
internal sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> commit)
{
    /// <summary>At most this many jobs' writes in one transaction.</summary>
    public const int MaxBatch = 64;

    /// <summary>
    /// Transactions in flight at once. One: while a group commits, the next one gathers every write that arrives, so
    /// groups grow with the load (two committers halved the groups and cost a third more CPU per job in the benchmark,
    /// for no more throughput; measured again once attempts ran while their starts committed: 1,550 vs 1,740 no-op
    /// jobs a second, 795 vs 850 for 5-task chains).
    /// </summary>
    public const int MaxConcurrent = 1;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private int _flushing;
    private int _largestGroup;

    /// <summary>The most writes committed in one transaction so far (a group that failed and was split counts too).</summary>
    public int LargestGroup => Volatile.Read(ref _largestGroup);

    /// <summary>Commits the write, with other writes waiting at that moment.</summary>
    /// <param name="write">One job's write (may be committed again alone if its group fails).</param>
    public Task CommitAsync(T write)
    {
        var pending = new Pending(write, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        StartFlusher();

        return pending.Done.Task;
    }

    /// <summary>Starts a flusher unless <see cref="MaxConcurrent"/> already run (they take what is queued).</summary>
    private void StartFlusher()
    {
        while (true)
        {
            var flushing = Volatile.Read(ref _flushing);
            if (flushing >= MaxConcurrent)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _flushing, flushing + 1, flushing) == flushing)
            {
                _ = Task.Run(FlushAsync);
                return;
            }
        }
    }

    private async Task FlushAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (true)
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                Interlocked.Decrement(ref _flushing);
                // A write queued after the last read, while every flusher was busy, would wait for no one: start one.
                if (_queue.Reader.TryPeek(out _))
                {
                    StartFlusher();
                }

                return;
            }

            if (batch.Count > _largestGroup)
            {
                Volatile.Write(ref _largestGroup, batch.Count);
            }

            if (batch.Count == 1 || !await TryCommitAsync(batch).ConfigureAwait(false))
            {
                foreach (var one in batch)
                {
                    await TryCommitAsync([one]).ConfigureAwait(false);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>Commits the writes in one transaction; false (nothing committed, nothing completed) when a grouped commit failed.</summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<Pending> writes)
    {
        try
        {
            await commit(writes.Select(w => w.Write).ToList()).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The failure belongs to the writer: it is handed to it (or each write is tried alone).
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (writes.Count > 1)
            {
                return false;
            }

            writes[0].Done.TrySetException(e);
            return true;
        }

        foreach (var write in writes)
        {
            write.Done.TrySetResult();
        }

        return true;
    }

    private sealed record Pending(T Write, TaskCompletionSource Done);
}

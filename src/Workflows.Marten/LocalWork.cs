using System.Threading.Channels;

namespace Workflows.Marten;

/// <summary>A due row for a worker of this process, with the job as this process last knew it (null: read it first).</summary>
/// <param name="Claim">The row, leased to this process.</param>
/// <param name="Known">The job's state and version when the row was claimed or written here, if known.</param>
public sealed record WorkItem(ClaimedTask Claim, JobSnapshot? Known);

/// <summary>
/// This process's queue of work for its own workers. Jobs submitted in this process are handed straight to it once
/// their rows are committed (written leased to this process, so no other worker claims them while the lease holds,
/// and any worker may when it lapses: the row stays for recovery); the host's claimer adds what it claims from the
/// database for its idle workers. Closed (nothing handed over) in a process without workers.
/// </summary>
public sealed class LocalWork
{
    private readonly Channel<WorkItem> _items = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private int _queued;
    private int _idle;
    private int _backlog;
    private ExecutionSlots? _slots;

    /// <summary>The lease owner of rows queued here (the host process).</summary>
    public string Owner { get; private set; } = string.Empty;

    /// <summary>How long a queued row's lease holds.</summary>
    public TimeSpan Lease { get; private set; }

    /// <summary>The named queues this process's workers take (empty: every queue).</summary>
    public IReadOnlyCollection<string> Queues { get; private set; } = [];

    /// <summary>This process's tags, normalized (lower-cased): its workers run tasks whose tags are all among them, and tasks without tags.</summary>
    public IReadOnlyCollection<string> Tags { get; private set; } = [];

    /// <summary>True when this process's workers take work of the named queue.</summary>
    /// <param name="queue">A job's queue.</param>
    public bool Takes(string queue) => Queues.Count == 0 || Queues.Contains(queue);

    /// <summary>True once workers read the queue.</summary>
    public bool IsOpen => _backlog > 0;

    /// <summary>
    /// Workers with nothing to do, a free execution slot and nothing queued for them: how much the claimer may take
    /// from the database (claimed work never waits for a slot behind a long attempt while another host could run it).
    /// </summary>
    public int FreeWorkers => Math.Max(0, Math.Min(Volatile.Read(ref _idle), _slots?.Free ?? int.MaxValue) - Volatile.Read(ref _queued));

    /// <summary>
    /// How long claimed work may wait here for a slot, at the pace slots are given back now: 50 ms. Claiming only for
    /// idle workers took one or two rows a claim when submits outran the workers (0.87 transactions a job instead of
    /// 0.26, fail-once benchmark); a longer wait would hold rows another host could run sooner.
    /// </summary>
    public static readonly TimeSpan PrefetchWait = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How many rows the claimer may take from the database now: at least one per idle worker with a free slot, and,
    /// while attempts are short, as many more as the slots start within <see cref="PrefetchWait"/> (bounded by the
    /// backlog). Long attempts prefetch nothing: claimed work never waits for a slot behind them while another host could
    /// run it.
    /// </summary>
    public int ClaimRoom
    {
        get
        {
            var queued = Volatile.Read(ref _queued);
            var prefetch = 0;
            if (_slots?.AverageHold is { } hold)
            {
                var starts = hold <= TimeSpan.Zero ? int.MaxValue : PrefetchWait.Ticks / Math.Max(hold.Ticks, 1) * _slots.Count;
                prefetch = (int)Math.Min(starts, Volatile.Read(ref _backlog)) - queued;
            }

            return Math.Max(FreeWorkers, prefetch);
        }
    }

    /// <summary>The items, for the workers.</summary>
    public ChannelReader<WorkItem> Reader => _items.Reader;

    /// <summary>Raised when a worker becomes idle (the claimer may claim for it).</summary>
    public event Action? WorkerIdle;

    /// <summary>Opens the queue for <paramref name="workers"/> workers, at most <paramref name="backlog"/> items waiting.</summary>
    /// <param name="workers">The workers that read it.</param>
    /// <param name="backlog">Items that may wait for a worker (more submits leave their rows to any worker's claim).</param>
    /// <param name="owner">The lease owner of rows queued here.</param>
    /// <param name="lease">How long those leases hold.</param>
    /// <param name="queues">The named queues the workers take.</param>
    /// <param name="slots">The execution slots the workers share, if any.</param>
    /// <param name="tags">The host's tags (none: it runs only tasks without tags).</param>
    public void Open(int workers, int backlog, string owner, TimeSpan lease, IReadOnlyCollection<string> queues, ExecutionSlots? slots = null, IReadOnlyCollection<string>? tags = null)
    {
        Tags = TaskTags.Normalize(tags);
        _slots = slots;
        Owner = owner;
        Lease = lease;
        Queues = queues;
        _idle = workers;
        Volatile.Write(ref _backlog, backlog);
    }

    /// <summary>Closes the queue: later submits leave their rows to the claim.</summary>
    public void Close() => Volatile.Write(ref _backlog, 0);

    /// <summary>Reserves a place for a job about to be submitted in this process; false when closed or full.</summary>
    public bool TryReserve()
    {
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            if (queued >= Volatile.Read(ref _backlog))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _queued, queued + 1, queued) == queued)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Reserves a place for the next attempt of a job this process runs (an immediate retry, the next task), past the
    /// backlog's bound: such work is bounded by the jobs the workers run, and waiting for a claim behind a full backlog
    /// cost a claim and a read of the stream per attempt. False when closed.
    /// </summary>
    public bool TryReserveFollowUp()
    {
        if (!IsOpen)
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    /// <summary>Gives back a reservation whose submit failed.</summary>
    public void Unreserve() => Interlocked.Decrement(ref _queued);

    /// <summary>Queues reserved work (the reservation is used).</summary>
    /// <param name="item">The work.</param>
    public void PostReserved(WorkItem item) => _items.Writer.TryWrite(item);

    /// <summary>Queues work the claimer took from the database.</summary>
    /// <param name="item">The work.</param>
    public void Post(WorkItem item)
    {
        Interlocked.Increment(ref _queued);
        _items.Writer.TryWrite(item);
    }

    /// <summary>A worker took an item and is busy with it.</summary>
    public void Taken()
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Decrement(ref _idle);
    }

    /// <summary>A worker finished its item.</summary>
    public void Done()
    {
        Interlocked.Increment(ref _idle);
        WorkerIdle?.Invoke();
    }
}

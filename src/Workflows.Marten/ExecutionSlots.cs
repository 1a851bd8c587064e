namespace Workflows.Marten;

/// <summary>
/// How many task attempts run at once in a process, shared by its worker loops. A loop holds a slot while its attempt
/// runs (which begins as the attempt's start write is sent, not once it commits), not while writes commit: a host runs
/// more loops than slots, so a slot runs the next attempt while the last ones' writes commit. A loop whose result starts
/// the job's next attempt now (an immediate retry, the next task) takes a slot again ahead of new work
/// (<see cref="TakeFirstAsync"/>).
/// </summary>
public sealed class ExecutionSlots : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _first = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _free;
    private long _averageHoldTicks = -1;

    /// <summary>Creates the slots.</summary>
    /// <param name="count">Attempts that may run at once.</param>
    public ExecutionSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _free = count;
    }

    /// <summary>Attempts that may run at once.</summary>
    public int Count { get; }

    /// <summary>Slots free now.</summary>
    public int Free => Volatile.Read(ref _free);

    /// <summary>
    /// How long a slot was held, on average over the last attempts (null until one was given back with its time): the
    /// pace at which this process starts work.
    /// </summary>
    public TimeSpan? AverageHold => Volatile.Read(ref _averageHoldTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>True when a worker waits for a slot now.</summary>
    public bool Wanted
    {
        get
        {
            lock (_gate)
            {
                return _first.Count + _waiting.Count > 0;
            }
        }
    }

    /// <summary>Raised when a slot is given back and no one waits for it (the claimer may claim work for it).</summary>
    public event Action? Released;

    /// <summary>Waits for a slot.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task TakeAsync(CancellationToken cancellationToken) => Take(_waiting, cancellationToken);

    /// <summary>Waits for a slot ahead of every <see cref="TakeAsync"/> waiting: for the next attempt of a job this process runs.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task TakeFirstAsync(CancellationToken cancellationToken) => Take(_first, cancellationToken);

    /// <summary>Takes a slot if one is free now.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            if (_free == 0)
            {
                return false;
            }

            _free--;
            return true;
        }
    }

    /// <summary>Gives a slot back: to the first waiter (of <see cref="TakeFirstAsync"/>, then of <see cref="TakeAsync"/>), else to the free ones.</summary>
    public void Release()
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            var node = _first.First ?? _waiting.First;
            if (node is null)
            {
                _free++;
            }
            else
            {
                node.List!.Remove(node);
                next = node.Value;
            }
        }

        if (next is null)
        {
            Released?.Invoke();
        }
        else
        {
            next.TrySetResult();
        }
    }

    /// <summary>Gives a slot back that was held for <paramref name="held"/> (it counts towards <see cref="AverageHold"/>).</summary>
    /// <param name="held">How long it was held.</param>
    public void Release(TimeSpan held)
    {
        // An exponential average over about the last 16 holds: a change of workload shows within a few dozen attempts.
        while (true)
        {
            var before = Volatile.Read(ref _averageHoldTicks);
            var after = before < 0 ? held.Ticks : before + ((held.Ticks - before) / 16);
            if (Interlocked.CompareExchange(ref _averageHoldTicks, after, before) == before)
            {
                break;
            }
        }

        Release();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        List<TaskCompletionSource> waiting;
        lock (_gate)
        {
            waiting = [.. _first, .. _waiting];
            _first.Clear();
            _waiting.Clear();
        }

        foreach (var waiter in waiting)
        {
            waiter.TrySetException(new ObjectDisposedException(nameof(ExecutionSlots)));
        }
    }

    private Task Take(LinkedList<TaskCompletionSource> queue, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            node = queue.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(node, cancellationToken) : node.Value.Task;
    }

    /// <summary>Waits for a queued waiter's slot; cancelled, the waiter leaves the queue (a slot handed to it first is kept).</summary>
    private async Task WaitAsync(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is null)
                {
                    return; // handed a slot already
                }

                node.List.Remove(node);
            }

            node.Value.TrySetCanceled(cancellationToken);
        }).ConfigureAwait(false))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
    }
}

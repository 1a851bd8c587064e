namespace Workflows.Marten;

/// <summary>
/// How many task attempts run at once in a process, shared by its worker loops. A loop holds a slot from the start
/// of an attempt (its <c>TaskStarted</c> write) until the attempt has run, not while its result is written: a host runs
/// more loops than slots, so a slot runs the next attempt while the last one's result commits.
/// </summary>
public sealed class ExecutionSlots : IDisposable
{
    private readonly SemaphoreSlim _free;

    /// <summary>Creates the slots.</summary>
    /// <param name="count">Attempts that may run at once.</param>
    public ExecutionSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _free = new SemaphoreSlim(count, count);
    }

    /// <summary>Attempts that may run at once.</summary>
    public int Count { get; }

    /// <summary>Slots free now.</summary>
    public int Free => _free.CurrentCount;

    /// <summary>Raised when a slot is given back (the claimer may claim work for it).</summary>
    public event Action? Released;

    /// <summary>Waits for a slot.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task TakeAsync(CancellationToken cancellationToken) => _free.WaitAsync(cancellationToken);

    /// <summary>Takes a slot if one is free now.</summary>
    public bool TryTake() => _free.Wait(0);

    /// <summary>Gives a slot back.</summary>
    public void Release()
    {
        _free.Release();
        Released?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose() => _free.Dispose();
}

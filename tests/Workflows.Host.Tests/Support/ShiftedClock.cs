namespace Workflows.Host.Tests.Support;

/// <summary>
/// The system clock moved forward on demand: <see cref="Advance"/> makes hours pass at once for everything that asks the
/// time (due rows, SLA deadlines), while timers and delays (the workers' polling) still run on the real clock, so a
/// served host keeps working. A test that needs a deadline to pass advances past it instead of waiting.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

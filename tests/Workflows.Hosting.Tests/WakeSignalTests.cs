using Microsoft.Extensions.Time.Testing;

namespace Workflows.Hosting.Tests;

/// <summary>The claimer's wake-up: no wake is lost, wakes that come together count once, and the poll still ends a wait.</summary>
public sealed class WakeSignalTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_wake_while_the_claimer_is_busy_ends_its_next_wait_at_once()
    {
        var signal = new WakeSignal();
        signal.Set();

        Assert.True(signal.WaitAsync(Poll, _clock, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Wakes_that_come_together_end_one_wait_and_the_next_waits_for_the_poll()
    {
        var signal = new WakeSignal();
        signal.Set();
        signal.Set();
        await signal.WaitAsync(Poll, _clock, CancellationToken.None);

        var next = signal.WaitAsync(Poll, _clock, CancellationToken.None);
        Assert.False(next.IsCompleted);
        _clock.Advance(Poll);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_wake_during_a_wait_ends_it_and_is_not_counted_again()
    {
        var signal = new WakeSignal();
        var waiting = signal.WaitAsync(Poll, _clock, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        signal.Set();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(signal.WaitAsync(Poll, _clock, CancellationToken.None).IsCompleted);
    }
}

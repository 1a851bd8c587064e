using System.Threading.Channels;

namespace Workflows.Hosting;

/// <summary>
/// Wakes the claimer (one waiting loop): a wake that comes while it is busy is kept for its next wait, so none is lost;
/// wakes that come together count as one. A wait also ends after its timeout (the poll).
/// </summary>
internal sealed class WakeSignal
{
    // Capacity one, extra wakes dropped: an auto-reset event whose state cannot be cleared by a late reader.
    private readonly Channel<bool> _wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Set() => _wakes.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_wakes.Reader.TryRead(out _))
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wakes.Reader.WaitToReadAsync(stop.Token).AsTask();
        var delay = Task.Delay(timeout, time, stop.Token);
        await Task.WhenAny(woken, delay).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        // Take the wake that ended the wait (or one that came since): the work it announced is seen by the claim that
        // follows. A wake after this read stays for the next wait.
        _wakes.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

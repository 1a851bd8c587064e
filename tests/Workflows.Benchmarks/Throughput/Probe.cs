using System.Collections.Concurrent;

namespace Workflows.Benchmarks.Throughput;

/// <summary>What the no-op jobs record when they start: submit → start latency, from the submit time the client passed in.</summary>
internal static class Probe
{
    private static readonly ConcurrentQueue<double> Latencies = new();

    /// <summary>Called first thing in a job: records how long ago (UTC ticks, same machine clock) the client submitted it.</summary>
    public static void Started(long submittedTicks)
    {
        if (submittedTicks > 0)
        {
            Latencies.Enqueue(TimeSpan.FromTicks(DateTime.UtcNow.Ticks - submittedTicks).TotalMilliseconds);
        }
    }

    public static int Count => Latencies.Count;

    public static double[] Sorted() => [.. Latencies.Order()];

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

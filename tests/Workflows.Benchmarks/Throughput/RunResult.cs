namespace Workflows.Benchmarks.Throughput;

/// <summary>What one measured run (its own process) reports to the scenario that started it.</summary>
/// <param name="Engine">"workflows", "hangfire" or "wolverine".</param>
/// <param name="Mode">"e2e", "fail-once", "dag" or "latency".</param>
/// <param name="Jobs">Jobs (messages) measured, warm-up excluded.</param>
/// <param name="SubmitPerSecond">Jobs submitted per second by the concurrent clients.</param>
/// <param name="EndToEndPerSecond">Jobs per second from the first submit until every job is recorded as done in the database.</param>
/// <param name="TransactionsPerJob">Commits of the database (pg_stat_database.xact_commit) during the run ÷ jobs.</param>
/// <param name="CpuSecondsPer1000">This process's CPU seconds per 1,000 jobs (PostgreSQL's own CPU is in <paramref name="MachineBusyPercent"/>).</param>
/// <param name="PostgresCpuSecondsPer1000">PostgreSQL's CPU seconds (all its processes) per 1,000 jobs.</param>
/// <param name="PeakWorkingSetMb">This process's peak working set.</param>
/// <param name="MachineBusyPercent">Busy share of all cores during the run (/proc/stat).</param>
/// <param name="LatencyP50Ms">Submit → task start, median (latency mode).</param>
/// <param name="LatencyP95Ms">Submit → task start, 95th percentile (latency mode).</param>
/// <param name="LatencyP99Ms">Submit → task start, 99th percentile (latency mode).</param>
internal sealed record RunResult(
    string Engine,
    string Mode,
    int Jobs,
    double SubmitPerSecond,
    double EndToEndPerSecond,
    double TransactionsPerJob,
    double CpuSecondsPer1000,
    double PostgresCpuSecondsPer1000,
    double PeakWorkingSetMb,
    double MachineBusyPercent,
    double LatencyP50Ms = 0,
    double LatencyP95Ms = 0,
    double LatencyP99Ms = 0)
{
    /// <summary>Jobs never done (stuck or lost): the run ended at the last progress without them.</summary>
    public long Stuck { get; init; }
}

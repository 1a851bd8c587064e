using Workflows.Benchmarks.Chaos;
using Workflows.Host.Tests.Support;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Chaos;

/// <summary>
/// The seeded sample of the chaos run (the long runs are the benchmark's <c>chaos</c> command, docs/reliability.md):
/// its own PostgreSQL cluster, three <c>workflows serve</c> processes, 24 jobs of every kind over a minute while the
/// seed's faults strike (a SIGKILLed host, PostgreSQL stopped and started, a host cut off from the database), then the
/// invariant checker. Nothing may be lost, recorded twice or fail.
/// </summary>
public sealed class ChaosSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_seeded_minute_of_faults_loses_no_job_records_none_twice_and_leaves_every_invariant_holding()
    {
        using var report = new StringWriter();

        var exit = await ChaosRun.RunAsync(["--jobs", "24", "--minutes", "1", "--seed", "5"], report, WorkflowsProcess.Executable);

        var text = report.ToString();
        output.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("invariant checker: healthy", text, StringComparison.Ordinal);
        Assert.Contains("| **all** |", text, StringComparison.Ordinal);
        // Passed: its cluster and the hosts' logs are not needed (a failure keeps them, and the report names the folder).
        var folder = text.Split('\n')[0].Split("folder ")[1].Trim();
        Directory.Delete(folder, recursive: true);
    }
}

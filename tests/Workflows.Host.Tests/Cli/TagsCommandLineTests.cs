using System.Diagnostics;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary>
/// Task tags with real <c>workflows</c> processes on one database: <c>jobs show</c> says which task waits for a host with
/// its tags, and <c>workflows serve --tags</c> starts a host that runs it.
/// </summary>
public sealed class TagsCommandLineTests : IAsyncLifetime
{
    private const string GpuTrain = """
        job_type: gpu-train
        tasks:
        - task_type: fetch
          method: SHELL
          script: ["echo fetched"]
          on_completed: train
        - task_type: train
          method: SHELL
          tags: [GPU, linux]
          script: ["echo trained"]
        """;

    private readonly string _schema = $"wf_clitags_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-tags-").FullName;
    private readonly WorkflowsProcess _workflows;

    public TagsCommandLineTests(ITestOutputHelper log)
    {
        // The host (root here) runs SHELL tasks as 'nobody', who must pass through the folder to the work folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));
        File.WriteAllText(Path.Combine(_dir, "gpu-train.yaml"), GpuTrain);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Jobs_show_names_the_tags_a_task_waits_for_and_serve_tags_starts_a_host_that_runs_it()
    {
        using var plain = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        Process? gpu = null;
        try
        {
            await CommandLineTests.ReadAddressAsync(plain);
            var (exit, stdout, _) = await _workflows.RunAsync(_dir, "run", "gpu-train.yaml");
            Assert.Equal(0, exit);
            var id = stdout.Split('\n').Single(l => l.StartsWith("submitted job ", StringComparison.Ordinal)).Split(' ')[2];

            var shown = await ShowUntilAsync(id, "task train waits for a host with tags gpu, linux");
            Assert.Contains("task train waits for a host with tags gpu, linux: no live host has them all (start one with `workflows serve --tags gpu,linux`)", shown, StringComparison.Ordinal);
            Assert.Matches("train +scheduled +1", shown);

            gpu = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0", "--tags", "GPU, linux"))!;
            await CommandLineTests.ReadAddressAsync(gpu);
            shown = await ShowUntilAsync(id, "): completed");
            Assert.Matches("train +completed +1 +0", shown);
            Assert.DoesNotContain("waits for a host", shown, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var host in new[] { plain, gpu })
            {
                if (host is not null)
                {
                    host.Kill(entireProcessTree: true);
                    await host.WaitForExitAsync();
                    host.Dispose();
                }
            }
        }
    }

    /// <summary><c>workflows jobs show ID</c> until its output contains <paramref name="text"/> (bounded: fails after a minute).</summary>
    private async Task<string> ShowUntilAsync(string id, string text)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var (exit, stdout, _) = await _workflows.RunAsync(_dir, "jobs", "show", id);
            Assert.Equal(0, exit);
            if (stdout.Contains(text, StringComparison.Ordinal))
            {
                return stdout;
            }

            Assert.True(DateTime.UtcNow < until, $"`jobs show {id}` did not say \"{text}\" within a minute:\n{stdout}");
            await Task.Delay(500);
        }
    }
}

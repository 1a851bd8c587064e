using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Artifacts;
using Workflows.Executors.InProcess;
using Workflows.Executors.Shell;
using Workflows.Hosting;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>Task outputs through PostgreSQL and real processes: a script's ::set-output, C# SetOutput and EXPIRE_ARTIFACTS' totals reach later tasks' templates.</summary>
public sealed class TaskOutputStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_out_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public TaskOutputStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task Outputs_of_a_script_of_csharp_and_of_expire_artifacts_fill_a_later_tasks_template()
    {
        var workflow = Workflow.Create("outputs", job => job
            .Task("version").Shell().Script("echo \"::set-output name=Version::1.2.$((1 + 2))\"").OnCompleted("csharp")
            .Task("csharp").Run((context, _) =>
            {
                context.SetOutput("Doubled", context.Variables["Version"] + "-x2");
                return ValueTask.FromResult(0);
            }).OnCompleted("expire")
            .Task("expire").ExpireArtifacts().OnCompleted("report")
            .Task("report").Shell().Script("echo \"v{{Version}} {{Doubled}} expired {{TotalExpired}} of {{TotalSize}} bytes\""));
        var artifacts = new FileArtifactStore(_documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + _schema), _clock);
        await _jobs.EnsureSchemaAsync();
        await artifacts.SaveAsync("old-job", "build", 1, "old.txt", new MemoryStream("hello"u8.ToArray()), TimeSpan.FromMinutes(1), default);
        await artifacts.SaveAsync("old-job", "build", 1, "kept.txt", new MemoryStream("kept"u8.ToArray()), null, default);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var logs = new TaskLogs(_documents, _clock);
        var worker = new TaskWorker(
            _jobs,
            new TaskRunner(new TaskExecutors([
                new ShellExecutor(new ShellExecutorOptions { WorkRoot = Path.Combine(Path.GetTempPath(), "wf-work-" + _schema), Policy = new ExecutionPolicy { AllowShell = true } }),
                new InProcessExecutor([workflow]),
                new ExpireArtifactsExecutor()]), _clock),
            logs, artifacts, new RunningAttempts(), "worker-1");

        await _jobs.ExecuteAsync("job-1", new RequestJob("job-1", workflow.Definition, new JobRequest()));
        for (var round = 0; round < 10 && (await _jobs.GetAsync("job-1"))!.Status is not (JobStatus.Completed or JobStatus.Failed); round++)
        {
            await worker.RunOnceAsync();
        }

        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("job-1"))!.Status);
        Assert.Contains("v1.2.3 1.2.3-x2 expired 1 of 5 bytes", (await logs.ReadAsync("job-1", "report")).Select(l => l.Line));
        var exits = (await _jobs.EventsAsync("job-1")).OfType<TaskExited>().ToDictionary(e => e.TaskType, e => string.Join(",", e.Outputs.Select(o => o.Name + "=" + o.Value)));
        Assert.Equal(("Version=1.2.3", "Doubled=1.2.3-x2", "TotalExpired=1,TotalSize=5", ""), (exits["version"], exits["csharp"], exits["expire"], exits["report"]));
        Assert.Equal(["kept.txt"], (await artifacts.ListAsync("old-job", null, default)).Select(a => a.Name));
    }

    [Fact]
    public async Task A_later_task_reads_the_artifact_urls_of_a_task_before_it_as_formicarys_job_context_names_them()
    {
        var workflow = Workflow.Create("artifact-urls", job => job
            .Task("build").Shell().Script("echo one > a.txt", "mkdir -p out && echo two > out/b.txt")
                .Artifacts("a.txt", "out/b.txt").OnCompleted("report")
            .Task("report").Shell().Script("echo \"{{build_ArtifactURL_1}} {{build_ArtifactURL_2}}\""));
        var problems = Workflows.Definitions.WorkflowValidator.Validate(workflow.Definition).Concat(Workflows.Templates.TemplateChecker.Check(workflow.Definition));
        Assert.DoesNotContain(problems, p => p.Id == Workflows.Definitions.WorkflowDiagnostics.UnknownTemplateVariableId); // no WF3002 for them
        var artifacts = new FileArtifactStore(_documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + _schema), _clock);
        await _jobs.EnsureSchemaAsync();
        var logs = new TaskLogs(_documents, _clock);
        var worker = new TaskWorker(
            _jobs,
            new TaskRunner(new TaskExecutors([new ShellExecutor(new ShellExecutorOptions { WorkRoot = Path.Combine(Path.GetTempPath(), "wf-work-" + _schema), Policy = new ExecutionPolicy { AllowShell = true } })]), _clock),
            logs, artifacts, new RunningAttempts(), "worker-1");

        await _jobs.ExecuteAsync("job-2", new RequestJob("job-2", workflow.Definition, new JobRequest()));
        for (var round = 0; round < 10 && (await _jobs.GetAsync("job-2"))!.Status is not (JobStatus.Completed or JobStatus.Failed); round++)
        {
            await worker.RunOnceAsync();
        }

        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("job-2"))!.Status);
        var saved = (await artifacts.ListAsync("job-2", "build", default)).Select(a => a.Name).ToList();
        Assert.Equal(2, saved.Count);
        // The API route that serves each: GET /api/jobs/requests/{id}/artifacts/{task}/{attempt}/{name}.
        Assert.Contains(
            "/api/jobs/requests/job-2/artifacts/build/1/a.txt /api/jobs/requests/job-2/artifacts/build/1/out/b.txt",
            (await logs.ReadAsync("job-2", "report")).Select(l => l.Line));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

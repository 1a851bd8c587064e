using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Weasel.Core;
using Workflows.Definitions;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// Task <c>tags</c> route attempts as formicary's ant reservation does: a host claims (or starts in the same write) an
/// attempt only when every one of its task's tags is among the host's, compared case-insensitively; a task without tags
/// runs on any host, and an attempt no host can take stays due.
/// </summary>
public sealed class TagRoutingTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    // "plain" has no tags; "train" asks for GPU and Linux, written in upper case as a YAML file may (the loaders lower-case them).
    private readonly JobDefinition _tagged = Tagged(
        Workflow.Create("tagged", job => job.Task("plain").Shell().Script("a").OnCompleted("train").Task("train").Shell().Script("b")).Definition,
        "train", "GPU", "Linux");

    public TagRoutingTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Fact]
    public async Task A_tagged_attempt_is_claimed_only_by_a_host_with_all_its_tags_in_any_case()
    {
        var jobs = new JobStore(_documents, _clock);
        await StartAtAsync(jobs, "j1", "train");

        Assert.Empty(await ClaimAsync(jobs, "untagged", []));
        Assert.Empty(await ClaimAsync(jobs, "gpu-only", ["gpu"])); // all of the task's tags, not any
        Assert.Empty(await ClaimAsync(jobs, "other", ["arm", "linux"]));
        var claimed = Assert.Single(await ClaimAsync(jobs, "gpu-linux", ["LINUX", " Gpu ", "docker"])); // a superset, in any case
        Assert.Equal(("j1", "train", ClaimKind.Attempt), (claimed.JobId, claimed.TaskType, claimed.Kind));
        Assert.Equal<string[]?>(["gpu", "linux"], await RowTagsAsync("j1", "train"));
    }

    [Fact]
    public async Task An_untagged_attempt_is_claimed_by_any_host_tagged_or_not()
    {
        var jobs = new JobStore(_documents, _clock);
        await StartAtAsync(jobs, "j2", "plain");
        await StartAtAsync(jobs, "j3", "plain");

        Assert.Equal("plain", Assert.Single(await ClaimAsync(jobs, "tagged", ["gpu"], attempts: 1)).TaskType);
        Assert.Equal("plain", Assert.Single(await ClaimAsync(jobs, "untagged", [], attempts: 1)).TaskType);
        Assert.Null(await RowTagsAsync("j2", "plain"));
    }

    [Fact]
    public async Task A_tagged_host_takes_tagged_and_untagged_attempts_in_claim_order()
    {
        var jobs = new JobStore(_documents, _clock);
        await StartAtAsync(jobs, "first", "train");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await StartAtAsync(jobs, "second", "plain");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await StartAtAsync(jobs, "third", "train");

        Assert.Equal(["first", "second"], (await ClaimAsync(jobs, "gpu", ["gpu", "linux"], attempts: 2)).Select(c => c.JobId));
        Assert.Equal(["third"], (await ClaimAsync(jobs, "gpu", ["gpu", "linux"], attempts: 2)).Select(c => c.JobId));
    }

    [Fact]
    public async Task An_attempt_no_host_can_take_stays_due_and_a_host_with_its_tags_claims_it_later()
    {
        var jobs = new JobStore(_documents, _clock);
        await StartAtAsync(jobs, "j4", "train");
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            Assert.Empty(await ClaimAsync(jobs, "untagged", []));
        }

        Assert.Equal(JobStatus.Running, (await jobs.GetAsync("j4"))!.Status);
        Assert.Equal("train", Assert.Single(await ClaimAsync(jobs, "gpu-linux", ["gpu", "linux"])).TaskType);
    }

    [Fact]
    public async Task A_worker_without_the_tags_does_not_start_the_tagged_next_task_in_its_write_and_one_with_them_does()
    {
        var untagged = new LocalWork();
        untagged.Open(workers: 1, backlog: 10, "host-a", Lease, []);
        var jobs = new JobStore(_documents, _clock, untagged);
        await jobs.ExecuteAsync("j5", new RequestJob("j5", _tagged, new JobRequest()));
        Assert.True(untagged.Reader.TryRead(out _));
        untagged.Taken();
        var started = await jobs.StepAsync("j5", null, new StartJob(), "host-a", Lease);
        Assert.Equal("plain", started.Started!.TaskType);

        var result = await jobs.StepAsync("j5", started.Snapshot, new ReportTaskResult("plain", 1, 0), "host-a", Lease);

        Assert.Null(result.Started); // not started here, and not handed to this process's queue either
        Assert.False(untagged.Reader.TryRead(out _));
        Assert.Equal(TaskRunStatus.Scheduled, result.Snapshot.State.Task("train").Status);
        Assert.Empty(await ClaimAsync(jobs, "host-a", []));

        var gpu = new LocalWork();
        gpu.Open(workers: 1, backlog: 10, "host-b", Lease, [], tags: ["Linux", "GPU"]);
        var gpuJobs = new JobStore(_documents, _clock, gpu);
        var claimed = Assert.Single(await gpuJobs.ClaimWorkAsync("host-b", 10, 1, Lease, null, gpu.Tags));
        Assert.Equal("train", claimed.Claim.TaskType);

        // The same job on a host with the tags: the tagged task starts in the result's write.
        await gpuJobs.ExecuteAsync("j6", new RequestJob("j6", _tagged, new JobRequest()));
        Assert.True(gpu.Reader.TryRead(out _));
        gpu.Taken();
        var first = await gpuJobs.StepAsync("j6", null, new StartJob(), "host-b", Lease);
        Assert.Equal("train", (await gpuJobs.StepAsync("j6", first.Snapshot, new ReportTaskResult("plain", 1, 0), "host-b", Lease)).Started!.TaskType);
    }

    [Fact]
    public async Task A_due_table_made_before_tags_gets_the_column_and_its_split_indexes_at_start_its_rows_kept()
    {
        var jobs = new JobStore(_documents, _clock);
        await StartAtAsync(jobs, "old", "plain");
        var table = $"{_schema}.{DueTasks.TableName}";
        // The layout before tags: no column, one index over every attempt.
        await ExecuteAsync($"""
            drop index {table}_claim_tagged;
            drop index {table}_claim_attempts;
            alter table {table} drop column tags;
            create index {DueTasks.TableName}_claim_attempts on {table} (priority desc, due_at, job_id) where kind = 'attempt';
            """);

        await jobs.EnsureSchemaAsync();

        Assert.Equal(SchemaPatchDifference.None, (await _documents.Storage.Database.CreateMigrationAsync()).Difference);
        Assert.Equal("old", Assert.Single(await ClaimAsync(jobs, "w", [])).JobId);
    }

    /// <summary>The job started with <paramref name="taskType"/>'s attempt due (the tasks before it completed).</summary>
    private async Task StartAtAsync(JobStore jobs, string jobId, string taskType)
    {
        await jobs.ExecuteAsync(jobId, new RequestJob(jobId, _tagged, new JobRequest()));
        await jobs.ExecuteAsync(jobId, new StartJob());
        if (taskType == "train")
        {
            await jobs.ExecuteAsync(jobId, new StartTask("plain", 1));
            await jobs.ExecuteAsync(jobId, new ReportTaskResult("plain", 1, 0));
        }
    }

    private static async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(JobStore jobs, string host, string[] tags, int attempts = 10) =>
        (await jobs.ClaimWorkAsync(host, 10, attempts, Lease, null, tags)).Select(i => i.Claim).Where(c => c.Kind == ClaimKind.Attempt).ToList();

    private async Task<string[]?> RowTagsAsync(string jobId, string taskType)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select tags from {_schema}.{DueTasks.TableName} where job_id = $1 and task_type = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = taskType });
        return await command.ExecuteScalarAsync() is string[] tags ? tags : null;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static JobDefinition Tagged(JobDefinition definition, string taskType, params string[] tags) => definition with
    {
        Tasks = definition.Tasks.Select(t => t.TaskType == taskType ? t with { Tags = tags.ToEquatableArray() } : t).ToEquatableArray(),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

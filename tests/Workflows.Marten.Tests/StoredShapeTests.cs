using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Workflows.Marten.Writing;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// Streams and views stored before the job request was one record read back, and run on. The rows in
/// <c>StoredShapes/</c> are a sensor-job's stream and view copied from the embedded PostgreSQL of a host at b399031
/// (<c>scripts/run.sh</c>), as stored.
/// </summary>
public sealed class StoredShapeTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public StoredShapeTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task A_stream_and_view_stored_by_an_earlier_host_read_back_whole()
    {
        var stream = Stored("sensor-job-stream.json", "old-1").AsArray();
        await InsertAsync("old-1", stream);
        await InsertViewAsync("old-1", Stored("sensor-job-view.json", "old-1"));

        var state = await _jobs.StateAsync("old-1");
        Assert.Equal((JobStatus.Completed, "sensor-job", 3), (state.Status, state.Definition!.JobType, state.Succeeded));
        Assert.Equal(new JobRequest(), state.Request with { Params = new JobRequest().Params });
        Assert.Empty(state.Request.Params);
        var view = (await _jobs.GetAsync("old-1"))!;
        Assert.Equal((JobStatus.Completed, "sensor-job", 3, 0, 0, 18L), (view.Status, view.JobType, view.Succeeded, view.Failed, view.Ignored, view.Version));
        Assert.Equal(("default", 0), (view.Queue, view.Priority));
    }

    [Fact]
    public async Task A_queued_job_stored_by_an_earlier_host_starts_and_runs_on()
    {
        var stream = Stored("sensor-job-stream.json", "old-2").AsArray();
        await InsertAsync("old-2", new JsonArray(stream[0]!.DeepClone())); // job_requested only: the job is queued

        var events = await _jobs.ExecuteAsync("old-2", new StartJob());

        Assert.IsType<JobStarted>(events[0]);
        var state = await _jobs.StateAsync("old-2");
        Assert.Equal((JobStatus.Running, 1), (state.Status, state.Tasks.Count));
        Assert.Equal(3, (await _jobs.EventsAsync("old-2")).Count);
    }

    [Fact]
    public void Every_field_of_a_request_stored_flat_reads_into_the_request_and_is_written_flat_again()
    {
        // The JSON of a job_requested event with every field, named as the event's record declared them at b399031.
        var stored = Stored("sensor-job-stream.json", "old-3")[0]!["data"]!.AsObject();
        stored["Params"] = new JsonObject { ["k"] = "v" };
        stored["Priority"] = 5;
        stored["Queue"] = "nightly";
        stored["SubmittedBy"] = "alice";
        stored["SubmitterId"] = "tok-1";
        stored["DefinitionVersion"] = 4;
        stored["ScheduledAt"] = "2026-12-08T09:00:00+00:00";
        stored["Description"] = "d";
        stored["RetryOf"] = "old-0b";
        stored["RetryRoot"] = "old-0";
        stored["ResumeFrom"] = "second";
        stored["Carried"] = new JsonArray(new JsonObject { ["TaskType"] = "first", ["ExitCode"] = 0, ["FromJobId"] = "old-0", ["Outputs"] = new JsonArray(new JsonObject { ["Name"] = "n", ["Value"] = "1" }) });
        stored["ParentJobId"] = "batch-1";
        stored["ForkTask"] = "fork";
        stored["LockKey"] = "deploy-prod";
        stored["UserKey"] = "issue-42";
        var serializer = _documents.Options.Serializer();

        var read = serializer.FromJson<JobRequested>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stored.ToJsonString())));

        Assert.Equal(("old-3", "sensor-job"), (read.JobId, read.Definition.JobType));
        Assert.Equal(
            new JobRequest
            {
                Params = read.Request.Params, Priority = 5, Queue = "nightly", SubmittedBy = "alice", SubmitterId = "tok-1", DefinitionVersion = 4,
                ScheduledAt = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), Description = "d", RetryOf = "old-0b", RetryRoot = "old-0",
                ParentJobId = "batch-1", ForkTask = "fork", LockKey = "deploy-prod", UserKey = "issue-42",
            },
            read.Request);
        Assert.Equal("v", Assert.Single(read.Request.Params).Value);
        Assert.Equal("second", read.ResumeFrom);
        Assert.Equal(("first", 0, "old-0", "1"), (read.Carried![0].TaskType, read.Carried[0].ExitCode, read.Carried[0].FromJobId, read.Carried[0].Outputs[0].Value));
        // Written back: the same flat object, field for field (an earlier host reads what this one writes), less the
        // definition's derived properties, which every host computes when it reads.
        var definition = stored["Definition"]!.AsObject();
        Assert.True(definition.Remove("FirstTask"));
        foreach (var task in definition["Tasks"]!.AsArray())
        {
            Assert.True(task!.AsObject().Remove("EffectiveMethod") && task.AsObject().Remove("MaxAttempts"));
        }

        Assert.True(JsonNode.DeepEquals(stored, JsonNode.Parse(serializer.ToJson(read))), serializer.ToJson(read));
    }

    public Task InitializeAsync() => _documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    public async Task DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {_schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }

        _documents.Dispose();
    }

    /// <summary>A stored file with the job's id replaced.</summary>
    private static JsonNode Stored(string file, string jobId) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StoredShapes", file)).Replace("01a2504c548a79c392b849996843cb84", jobId, StringComparison.Ordinal))!;

    private async Task InsertAsync(string jobId, JsonArray events)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"insert into {_schema}.{MartenTables.Streams} (id, type, version, timestamp, created, tenant_id) values ($1, null, $2, now(), now(), '*DEFAULT*')")
        {
            Parameters = { new() { Value = jobId }, new() { Value = (long)events.Count } },
        });
        var version = 0L;
        foreach (var e in events)
        {
            var type = (string)e!["type"]!;
            var dotNet = "Workflows.Runtime." + string.Concat(type.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..])) + ", Workflows.Runtime";
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                insert into {_schema}.{MartenTables.Events} (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
                values (nextval('{_schema}.{MartenTables.EventSequence}'), $1, $2, $3, $4::jsonb, $5, '*DEFAULT*', now(), $6, false)
                """)
            {
                Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = jobId }, new() { Value = ++version }, new() { Value = e["data"]!.ToJsonString() }, new() { Value = type }, new() { Value = dotNet } },
            });
        }

        await batch.ExecuteNonQueryAsync();
    }

    private async Task InsertViewAsync(string jobId, JsonNode view)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            $"insert into {_schema}.{MartenTables.JobViews} (id, data, mt_last_modified, mt_version, mt_dotnet_type, job_type, status) values ($1, $2::jsonb, now(), $3, $4, $5, $6)",
            connection)
        {
            Parameters =
            {
                new() { Value = jobId }, new() { Value = view.ToJsonString() }, new() { Value = Guid.NewGuid() }, new() { Value = typeof(JobView).FullName + ", Workflows.Marten" },
                new() { Value = (string)view["JobType"]! }, new() { Value = (string)view["Status"]! },
            },
        };
        await insert.ExecuteNonQueryAsync();
    }
}

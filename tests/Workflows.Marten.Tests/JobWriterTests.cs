using Marten;
using Npgsql;
using Workflows.Marten.Writing;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// The batched writer writes Marten's own rows: Marten reads the streams, events and views back as its own, a group
/// commits all or nothing, and a stale write is refused by the database.
/// </summary>
public sealed class JobWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly JobWriter _writer;

    public JobWriterTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _writer = new JobWriter(_documents);
    }

    [Fact]
    public async Task Marten_reads_what_the_writer_wrote_as_its_own()
    {
        var (write, events, state) = Submit("job-a");
        await _writer.CommitGroupAsync([write, Submit("job-b").Write]);

        await using var session = _documents.QuerySession();
        var stream = await session.Events.FetchStreamAsync("job-a");
        var serializer = _documents.Options.Serializer();
        Assert.Equal(events.Select(serializer.ToJson), stream.Select(e => serializer.ToJson(e.Data)));
        Assert.IsType<JobRequested>(stream[0].Data);
        Assert.Equal([1L], stream.Select(e => e.Version));
        Assert.Equal(serializer.ToJson(JobView.From(state, 1)), serializer.ToJson(await session.LoadAsync<JobView>("job-a")));
        // The duplicated columns are filled: Marten's queries on them find the views.
        Assert.Equal(["job-a", "job-b"], (await session.Query<JobView>().Where(v => v.Status == JobStatus.Queued && v.JobType == "retry-job").ToListAsync()).Select(v => v.Id).Order());
        Assert.Equal(1, (await session.Events.FetchStreamStateAsync("job-a"))!.Version);
        Assert.Equal(2, await CountAsync($"select count(*) from {_schema}.{DueTasksTable} where kind = 'start' and task_type = ''"));
    }

    [Fact]
    public async Task Marten_sees_a_stream_the_writer_archived_as_archived_and_a_later_write_to_it_is_refused()
    {
        var (write, _, state) = Submit("job-old");
        await _writer.CommitAsync(write);

        await _writer.ArchiveAsync([JobView.From(state, 1) with { ArchivedAt = Now }]);

        await using var session = _documents.QuerySession();
        Assert.True((await session.Events.FetchStreamStateAsync("job-old"))!.IsArchived);
        Assert.Empty(await session.Events.FetchStreamAsync("job-old")); // archived events are not read by default
        Assert.Equal(Now, (await session.LoadAsync<JobView>("job-old"))!.ArchivedAt);
        var after = Submit("job-old").Write with { ExpectedVersion = 1 };
        await Assert.ThrowsAsync<JobConcurrencyException>(() => _writer.CommitAsync(after));
    }

    [Fact]
    public async Task A_group_with_a_stale_write_commits_nothing_and_alone_only_the_stale_write_fails()
    {
        await _writer.CommitAsync(Submit("job-x").Write); // job-x is at version 1
        var ahead = Submit("job-x").Write with { ExpectedVersion = 3 }; // decided on a version the stream is not at
        var fresh = Enumerable.Range(0, 5).Select(i => Submit($"job-{i}").Write).ToList();

        await Assert.ThrowsAsync<StaleGroupException>(() => _writer.CommitGroupAsync([.. fresh, ahead]));
        Assert.Equal(1, await CountAsync($"select count(*) from {_schema}.mt_events"));

        var writes = fresh.Select(_writer.CommitAsync).ToList();
        var refused = await Assert.ThrowsAsync<JobConcurrencyException>(() => _writer.CommitAsync(ahead));
        await Task.WhenAll(writes);
        Assert.Equal(("job-x", 3L), (refused.JobId, refused.ExpectedVersion));
        Assert.Equal(6, await CountAsync($"select count(*) from {_schema}.mt_events"));

        // Decided on an older version (here: a second start of the stream): the database refuses it, read as stale.
        var behind = await Assert.ThrowsAsync<PostgresException>(() => _writer.CommitAsync(Submit("job-x").Write));
        Assert.True(JobWriter.IsStale(behind), behind.Message);
        await using var session = _documents.QuerySession();
        Assert.Equal(1, (await session.Events.FetchStreamStateAsync("job-x"))!.Version);
    }

    [Fact]
    public async Task The_writer_writes_every_column_of_marten_s_tables_that_it_should()
    {
        // A new duplicated field on JobView, or a new column in Marten's event tables, must be written by the writer too.
        await _writer.CommitAsync(Submit("job-c").Write);
        Assert.Equal(
            ["data", "id", "job_type", "mt_dotnet_type", "mt_last_modified", "mt_version", "parent_job_id", "retry_root", "status"],
            await ColumnsAsync(JobWriter.ViewTable));
        Assert.Equal(
            ["bdata", "data", "id", "is_archived", "mt_dotnet_type", "seq_id", "stream_id", "tenant_id", "timestamp", "type", "version"],
            await ColumnsAsync("mt_events"));
        Assert.Equal(
            ["compacted_version", "created", "id", "is_archived", "tenant_id", "timestamp", "type", "version"],
            await ColumnsAsync("mt_streams"));
        Assert.Equal(
            ["data", "id", "mt_dotnet_type", "mt_last_modified", "mt_version"],
            await ColumnsAsync(MartenTables.Artifacts)); // a resumed retry's carried artifact records
    }

    private const string DueTasksTable = "wf_due_tasks";

    private (JobWrite Write, IReadOnlyList<JobEvent> Events, JobState State) Submit(string jobId)
    {
        var events = JobDecider.Decide(new RequestJob(jobId, new Samples.RetryJob().Definition, new JobRequest { Params = new Dictionary<string, string> { ["k"] = "v" } }), JobState.Initial, new DecisionContext(Now, 0.5));
        var state = JobDecider.Fold(events);
        var write = _writer.Prepare(jobId, 0, events, Now, JobView.From(state, events.Count), DueTasks.Plan(state, isNew: true), null, false);
        return (write, events, state);
    }

    private static async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<string>> ColumnsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select column_name from information_schema.columns where table_schema = @s and table_name = @t order by column_name", connection);
        command.Parameters.AddWithValue("s", _schema);
        command.Parameters.AddWithValue("t", table);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public async Task InitializeAsync() => await new JobStore(_documents, TimeProvider.System).EnsureSchemaAsync();

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

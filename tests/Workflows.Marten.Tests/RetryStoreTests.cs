using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>Manual retries in the store: one transaction for the retry and its root's record, one retry of a root in flight.</summary>
public sealed class RetryStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_retry_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public RetryStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero)));
    }

    private async Task FailedJobAsync(string id)
    {
        var definition = Workflow.Create("store-retry", job => job.Task("a").Shell().Script("exit 3")).Definition;
        await _jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { SubmittedBy = "alice" }));
        await _jobs.ExecuteAsync(id, new StartJob());
        await _jobs.ExecuteAsync(id, new StartTask("a", 1));
        await _jobs.ExecuteAsync(id, new ReportTaskResult("a", 1, 3));
    }

    [Fact]
    public async Task A_crash_between_the_retry_and_its_roots_record_leaves_neither()
    {
        await _jobs.EnsureSchemaAsync();
        await FailedJobAsync("root");
        var before = await _jobs.EventsAsync("root");

        // The last write of the retry's transaction fails (as a crash would end it): a trigger refuses the in-flight row.
        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var inject = new Npgsql.NpgsqlCommand(
                $"""
                create function {_schema}.crash() returns trigger language plpgsql as $$ begin raise exception 'injected crash'; end $$;
                create trigger crash before insert on {_schema}.{RetryLocks.TableName} for each row execute function {_schema}.crash();
                """, connection);
            await inject.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => _jobs.RetryAsync("root", new RetryRequest("retry-1", "alice")));

        Assert.Empty(await _jobs.EventsAsync("retry-1"));
        Assert.Null(await _jobs.GetAsync("retry-1"));
        Assert.Equal(before.Count, (await _jobs.EventsAsync("root")).Count);
        Assert.Empty((await _jobs.GetAsync("root"))!.RetryIds);
        Assert.Null(await _jobs.InFlightRetryAsync("root"));

        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var heal = new Npgsql.NpgsqlCommand($"drop trigger crash on {_schema}.{RetryLocks.TableName}", connection);
            await heal.ExecuteNonQueryAsync();
        }

        var decision = (await _jobs.RetryAsync("root", new RetryRequest("retry-1", "alice")))!;
        Assert.Null(decision.Refusal);
        Assert.IsType<JobRetried>((await _jobs.EventsAsync("root"))[^1]);
        Assert.Equal(["retry-1"], (await _jobs.GetAsync("root"))!.RetryIds);
        Assert.Equal("retry-1", await _jobs.InFlightRetryAsync("root"));
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("retry-1"))!.Status);
    }

    [Fact]
    public async Task Lineages_are_read_from_the_views_in_one_query_and_a_database_from_before_the_lineage_column_is_filled_once_at_start()
    {
        await _jobs.EnsureSchemaAsync();
        await FailedJobAsync("root");
        Assert.Null((await _jobs.RetryAsync("root", new RetryRequest("retry-1", "alice")))!.Refusal);
        await FailedJobAsync("alone");

        var lineages = await _jobs.LineagesAsync(["root", "alone"]);
        Assert.Equal(["root", "retry-1"], lineages["root"].Select(v => v.Id));
        Assert.Equal(["alone"], lineages["alone"].Select(v => v.Id));
        var (roots, total) = await _jobs.RetriedRootsAsync(0, 10);
        Assert.Equal(["root"], roots);
        Assert.Equal(1, total);

        // A database from before the lineage column: the next start adds the column and fills it from the documents.
        await using (var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"alter table {_schema}.mt_doc_jobview drop column retry_root cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await _jobs.EnsureSchemaAsync();
        Assert.Equal(["root", "retry-1"], (await _jobs.LineagesAsync(["root"]))["root"].Select(v => v.Id));
    }

    [Fact]
    public async Task A_retry_holds_its_roots_slot_until_it_ends_then_the_root_may_be_retried_again()
    {
        await FailedJobAsync("root");
        Assert.Null((await _jobs.RetryAsync("root", new RetryRequest("retry-1", "alice")))!.Refusal);

        var second = (await _jobs.RetryAsync("root", new RetryRequest("retry-2", "alice")))!.Refusal!;
        Assert.Equal(RetryRefusalReason.RetryInFlight, second.Reason);
        Assert.StartsWith("Retry retry-1 of job root is still queued or running", second.Message, StringComparison.Ordinal);
        Assert.Empty(await _jobs.EventsAsync("retry-2"));

        await _jobs.ExecuteAsync("retry-1", new StartJob());
        await _jobs.ExecuteAsync("retry-1", new StartTask("a", 1));
        await _jobs.ExecuteAsync("retry-1", new ReportTaskResult("a", 1, 3));
        Assert.Null(await _jobs.InFlightRetryAsync("root"));

        // A retry of the (failed) retry lands on the root.
        var third = (await _jobs.RetryAsync("retry-1", new RetryRequest("retry-3", "alice")))!;
        Assert.Null(third.Refusal);
        Assert.Equal(["retry-1", "retry-3"], (await _jobs.GetAsync("root"))!.RetryIds);
        var view = (await _jobs.GetAsync("retry-3"))!;
        Assert.Equal(("retry-1", "root"), (view.RetryOf, view.RetryRoot));
        Assert.Null(await _jobs.RetryAsync("no-such-job", new RetryRequest("x", "alice")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

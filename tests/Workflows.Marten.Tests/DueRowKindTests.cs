using Marten;
using Npgsql;
using Weasel.Core;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// Due rows say what they are in a kind column (a task attempt, a job's start, a job's timeout), not by reserved task
/// names; a table of the older layout is brought over once at start, its rows kept.
/// </summary>
public sealed class DueRowKindTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;

    public DueRowKindTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Fact]
    public async Task A_due_table_of_the_older_layout_gets_kinds_at_start_and_its_rows_are_claimed_as_they_were()
    {
        var table = $"{_schema}.{DueTasks.TableName}";
        // The table as hosts up to b399031 made it (pg_dump of a store made by scripts/run.sh), with a start, a timeout and an attempt.
        await ExecuteAsync($"""
            create schema {_schema};
            create table {table} (job_id varchar not null, task_type varchar not null, attempt integer not null, due_at timestamptz not null,
              priority integer not null, queue varchar not null, job_type varchar, max_concurrency integer, lock_key varchar,
              lease_until timestamptz, owner varchar, constraint pkey_wf_due_tasks_job_id_task_type primary key (job_id, task_type));
            create index wf_due_tasks_claim_attempts on {table} (priority desc, due_at, job_id) where task_type <> '' and task_type <> chr(1) || 'timeout';
            create index wf_due_tasks_claim_jobs on {table} (priority desc, due_at, job_id)
              where (task_type = '' or task_type = chr(1) || 'timeout') and max_concurrency is null and lock_key is null;
            insert into {table} (job_id, task_type, attempt, due_at, priority, queue, job_type) values
              ('queued', '', 0, now() - interval '1 minute', 0, 'default', 't'),
              ('running', chr(1) || 'timeout', 0, now() - interval '1 minute', 0, 'default', 't'),
              ('running', 'build', 2, now() - interval '1 minute', 0, 'default', 't');
            """);

        await new JobStore(_documents, TimeProvider.System).EnsureSchemaAsync();

        var claimed = await new JobStore(_documents, TimeProvider.System).ClaimDueAsync("w", 10, 10, TimeSpan.FromMinutes(1), null);
        Assert.Equal(
            [("queued", ClaimKind.StartJob, "", 0), ("running", ClaimKind.JobTimeout, "", 0), ("running", ClaimKind.Attempt, "build", 2)],
            claimed.Select(c => (c.JobId, c.Kind, c.TaskType, c.Attempt)).OrderBy(c => c.JobId).ThenBy(c => c.TaskType).ThenBy(c => c.Kind).ToList());
        Assert.Equal(SchemaPatchDifference.None, (await _documents.Storage.Database.CreateMigrationAsync()).Difference);
    }

    [Fact]
    public async Task A_store_made_at_start_matches_its_configuration_so_the_next_start_changes_nothing()
    {
        await new JobStore(_documents, TimeProvider.System).EnsureSchemaAsync();

        Assert.Equal(SchemaPatchDifference.None, (await _documents.Storage.Database.CreateMigrationAsync()).Difference);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

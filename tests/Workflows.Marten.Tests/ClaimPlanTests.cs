using Marten;
using Npgsql;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// A claim costs the same however long the backlog: each part of the claim query walks its partial index in claim
/// order and stops at its limit. (A sequential scan and sort of every due row per claim made PostgreSQL the benchmark's
/// bottleneck.) The planner may only use a partial index whose predicate it can prove from the query's text, so an edit
/// to either that breaks the match shows here as a sequential scan.
/// </summary>
public sealed class ClaimPlanTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;

    public ClaimPlanTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_part_of_the_claim_walks_its_index_and_none_scans_the_table(bool tagged)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        var table = $"{_schema}.{DueTasks.TableName}";
        // Every eleventh attempt is tagged: a host without tags never walks those, a host with tags walks both indexes.
        await ExecuteAsync(connection, $"""
            insert into {table} (job_id, kind, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key, tags)
            select 'job-' || n, case n % 3 when 0 then 'start' when 1 then 'attempt' else 'timeout' end, case n % 3 when 1 then 'task' else '' end, 1,
                   now() - make_interval(secs => n), n % 5, 'default', 'type', case when n % 7 = 0 then 2 end, null,
                   case when n % 3 = 1 and n % 11 = 0 then array['gpu']::varchar[] end
            from generate_series(1, 5000) n;
            analyze {table}
            """);
        await using var transaction = await connection.BeginTransactionAsync();
        // Only a plan that cannot use an index falls back to a sequential scan now.
        await ExecuteAsync(connection, "set local enable_seqscan = off");
        await using var explain = new NpgsqlCommand("explain " + JobStore.ClaimSql(table, $"{_schema}.{Writing.MartenTables.Events}", tagged), connection, transaction);
        explain.Parameters.AddWithValue("now", DateTimeOffset.UtcNow);
        explain.Parameters.AddWithValue("until", DateTimeOffset.UtcNow.AddMinutes(1));
        explain.Parameters.AddWithValue("worker", "w");
        explain.Parameters.AddWithValue("max", 8);
        explain.Parameters.AddWithValue("attempts", 8);
        explain.Parameters.AddWithValue("queues", Array.Empty<string>());
        if (tagged)
        {
            explain.Parameters.AddWithValue("tags", new[] { "gpu" });
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains($"{DueTasks.TableName}_claim_jobs", text, StringComparison.Ordinal);
        Assert.Contains($"{DueTasks.TableName}_claim_attempts", text, StringComparison.Ordinal);
        Assert.Contains($"{DueTasks.TableName}_claim_constrained", text, StringComparison.Ordinal);
        Assert.Equal(tagged, text.Contains($"{DueTasks.TableName}_claim_tagged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_claim_takes_the_job_timeout_rows_the_runtime_writes()
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            $"insert into {_schema}.{DueTasks.TableName} (job_id, kind, task_type, attempt, due_at, priority, queue, job_type) values ('j', @kind, '', 0, now() - interval '1 second', 0, 'default', 'type')",
            connection))
        {
            insert.Parameters.AddWithValue("kind", DueTasks.KindName(ClaimKind.JobTimeout));
            await insert.ExecuteNonQueryAsync();
        }

        var claimed = await new JobStore(_documents, TimeProvider.System).ClaimDueAsync("w", 10, 10, TimeSpan.FromMinutes(1), null);

        Assert.Equal(("j", ClaimKind.JobTimeout, ""), Assert.Single(claimed) is var c ? (c.JobId, c.Kind, c.TaskType) : default);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => _documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

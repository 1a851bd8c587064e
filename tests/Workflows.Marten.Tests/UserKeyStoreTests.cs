using Marten;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>formicary's user keys in the store: the lookup finds the active job with a key, through a partial index.</summary>
public sealed class UserKeyStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public UserKeyStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task The_user_key_lookup_has_a_partial_index_that_only_keyed_jobs_enter_and_the_lookup_uses_it()
    {
        await _jobs.EnsureSchemaAsync();
        var definition = new Samples.RetryJob().Definition;
        await _jobs.ExecuteAsync("keyed", new RequestJob("keyed", definition, new JobRequest { UserKey = "nightly" }));
        await _jobs.ExecuteAsync("plain", new RequestJob("plain", definition, new JobRequest()));

        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        // The definitions are filtered here, not in SQL: a LIKE on indexdef may be evaluated for other schemas' indexes
        // first, and one a parallel test class is dropping fails with "could not open relation with OID".
        await using (var indexes = new NpgsqlCommand("select indexdef from pg_indexes where schemaname = @schema", connection))
        {
            indexes.Parameters.AddWithValue("schema", _schema);
            var definitions = new List<string>();
            await using (var reader = await indexes.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    definitions.Add(reader.GetString(0));
                }
            }

            var definitionText = Assert.Single(definitions, d => d.Contains("UserKey", StringComparison.Ordinal));
            Assert.EndsWith("WHERE ((data ->> 'UserKey'::text) IS NOT NULL)", definitionText, StringComparison.Ordinal);
        }

        // The planner may pick it (sequential scans off, as on a large table); the lookup's equality implies the predicate.
        await using (var plan = new NpgsqlCommand(
            $"set enable_seqscan = off; explain select id from {_schema}.mt_doc_jobview where job_type = 'retry-job' and data->>'UserKey' = 'nightly' and data->>'ArchivedAt' is null", connection))
        {
            var lines = new List<string>();
            await using var reader = await plan.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }

            Assert.Contains(lines, l => l.Contains("userkey", StringComparison.OrdinalIgnoreCase) && l.Contains("Index", StringComparison.Ordinal));
        }

        Assert.Equal("keyed", await _jobs.ActiveByUserKeyAsync("retry-job", "nightly"));
        Assert.Null(await _jobs.ActiveByUserKeyAsync("retry-job", "other"));
        Assert.Null(await _jobs.ActiveByUserKeyAsync("sensor-job", "nightly"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

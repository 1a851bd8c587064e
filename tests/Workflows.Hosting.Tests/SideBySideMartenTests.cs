using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Workflows.Marten;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Hosting.Tests;

/// <summary>
/// An application that uses Marten for its own documents (<c>services.AddMarten(...)</c>) adds Workflows on the same
/// database: each store keeps to its own schema, and both work. (Workflows took the application's store before and
/// died at start with 42P01 "wf_due_tasks does not exist".)
/// </summary>
public sealed class SideBySideMartenTests
{
    public sealed record Invoice(string Id, decimal Amount);

    [Fact]
    public async Task An_application_with_its_own_Marten_store_stores_its_documents_and_runs_a_workflow_on_one_database()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (appSchema, workflowsSchema) = ($"app_{suffix}", $"wf_side_{suffix}");
        var data = Path.Combine(Path.GetTempPath(), workflowsSchema);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMarten(options =>
        {
            options.Connection(TestInfrastructure.PostgresConnectionString);
            options.DatabaseSchemaName = appSchema;
        });
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = TestInfrastructure.PostgresConnectionString;
            options.Schema = workflowsSchema;
            options.DataDirectory = data;
            options.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        builder.Services.AddSingleton(Workflow.Create("side-by-side", job => job.Task("a").Run((_, _) => ValueTask.FromResult(0))));
        using var host = builder.Build();
        try
        {
            await host.StartAsync();

            var appStore = host.Services.GetRequiredService<IDocumentStore>();
            await using (var session = appStore.LightweightSession())
            {
                session.Store(new Invoice("inv-1", 42m));
                await session.SaveChangesAsync();
            }

            var client = host.Services.GetRequiredService<WorkflowClient>();
            var id = await client.SubmitAsync("side-by-side");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            Workflows.Client.JobInfo? view;
            do
            {
                view = await client.GetAsync(id);
                await Task.Delay(50);
            }
            while (view?.Status is not (JobStatus.Completed or JobStatus.Failed) && DateTime.UtcNow < until);
            Assert.Equal(JobStatus.Completed, view?.Status);

            await using (var query = appStore.QuerySession())
            {
                Assert.Equal(42m, (await query.LoadAsync<Invoice>("inv-1"))!.Amount);
            }

            Assert.NotSame(appStore, host.Services.GetRequiredKeyedService<IDocumentStore>(WorkflowsServiceCollectionExtensions.StoreKey));
            var appTables = await TablesAsync(appSchema);
            var workflowsTables = await TablesAsync(workflowsSchema);
            Assert.Contains("mt_doc_sidebysidemartentests_invoice", appTables);
            Assert.DoesNotContain(appTables, t => t.StartsWith("wf_", StringComparison.Ordinal) || t.Contains("jobview", StringComparison.Ordinal));
            Assert.Contains("wf_due_tasks", workflowsTables);
            Assert.DoesNotContain(workflowsTables, t => t.Contains("invoice", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
            await TestInfrastructure.DropSchemaAsync(appSchema);
            await TestInfrastructure.DropSchemaAsync(workflowsSchema);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task<List<string>> TablesAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = @s", connection);
        command.Parameters.AddWithValue("s", schema);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Host.Serving;
using Workflows.Marten.Doctor;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows doctor [--connection CS] [--schema NAME] [--claim-bound TIME] [--json]</c>: runs the invariant checker
/// (<see cref="InvariantChecker"/>, read-only) against the configured database, prints what it found, and exits 0 when
/// every invariant holds, 1 with the violations, 2 when the store cannot be read.
/// </summary>
internal static class DoctorCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var connection = new Option<string?>("--connection") { Description = "The PostgreSQL connection string (default: ConnectionStrings:Workflows, else the embedded default)." };
        var schema = new Option<string?>("--schema") { Description = "The store's schema (default: Workflows:Schema, 'workflows')." };
        var bound = new Option<TimeSpan?>("--claim-bound")
        {
            Description = "Also report unfinished jobs whose due work has waited unclaimed longer than this (e.g. 00:10:00); not checked by default.",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (for machines)." };
        var doctor = new Command("doctor", "Check the store's invariants (each job ended at most once, no attempt recorded twice, due rows agree with the streams, …): exit 0 when healthy, 1 with the violations.")
        {
            connection, schema, bound, json,
        };
        doctor.TreatUnmatchedTokensAsErrors = false;
        doctor.SetAction(async (parsed, ct) =>
        {
            var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" };
            if (parsed.GetValue(connection) is { } cs)
            {
                settings["ConnectionStrings:Workflows"] = cs;
            }

            if (parsed.GetValue(schema) is { } name)
            {
                settings["Workflows:Schema"] = name;
            }

            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = parsed.UnmatchedTokens.ToArray(), ContentRootPath = HostSetup.ContentRoot });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Services.AddWorkflows(builder.Configuration);
            using var host = builder.Build();
            var store = host.Services.GetRequiredKeyedService<IDocumentStore>(WorkflowsServiceCollectionExtensions.StoreKey);
            DoctorReport report;
            try
            {
                if (!await SchemaExistsAsync(store, ct).ConfigureAwait(false))
                {
                    await error.WriteLineAsync($"error: the database has no Workflows store in schema '{store.Options.DatabaseSchemaName}': give the schema hosts use (--schema, Workflows:Schema) or the database (--connection, ConnectionStrings:Workflows).").ConfigureAwait(false);
                    return 2;
                }

                report = await new InvariantChecker(store, TimeProvider.System) { ClaimBound = parsed.GetValue(bound) }.CheckAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                await error.WriteLineAsync($"error: cannot read the store: {e.Message} (check --connection / ConnectionStrings:Workflows and that PostgreSQL runs).").ConfigureAwait(false);
                return 2;
            }

            if (parsed.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    report.Healthy, report.Schema, report.CheckedAt, report.Jobs, report.Events, report.Unfinished,
                    Invariants = Invariant.All.Select(i => i.Id), report.Violations,
                }, Json)).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(report, output).ConfigureAwait(false);
            }

            return report.Healthy ? 0 : 1;
        });
        return doctor;
    }

    private static async Task WriteAsync(DoctorReport report, TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(culture,
            $"schema {report.Schema}: {report.Jobs} jobs ({report.Unfinished} not finished), {report.Events} events, checked {report.CheckedAt:u}")).ConfigureAwait(false);
        if (report.Healthy)
        {
            await output.WriteLineAsync($"healthy: every invariant holds ({string.Join(", ", Invariant.All.Select(i => i.Id))})").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync(string.Create(culture, $"{report.Violations.Count} violation(s):")).ConfigureAwait(false);
        foreach (var group in report.Violations.GroupBy(v => v.Invariant))
        {
            var invariant = Invariant.All.Single(i => i.Id == group.Key);
            await output.WriteLineAsync($"{invariant.Id}: {invariant.Rule}").ConfigureAwait(false);
            foreach (var violation in group)
            {
                await output.WriteLineAsync($"  job {violation.JobId}: {violation.Found}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"  what to do: {invariant.Fix}").ConfigureAwait(false);
        }
    }

    private static async Task<bool> SchemaExistsAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "select count(*) from information_schema.tables where table_schema = @schema and table_name in ('mt_streams', 'wf_due_tasks')";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "schema";
        parameter.Value = store.Options.DatabaseSchemaName;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 2;
    }
}

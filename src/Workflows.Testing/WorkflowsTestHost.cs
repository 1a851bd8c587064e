using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows.Client;
using Workflows.Hosting;

namespace Workflows.Testing;

/// <summary>
/// A real Workflows host for integration tests: the job store on PostgreSQL (a schema of its own, dropped on dispose),
/// the real executors (DOCKER, SHELL, HTTP, C#) and workers, and the <see cref="WorkflowClient"/> to submit jobs and
/// wait for their end. The same workflow a <see cref="WorkflowTest"/> runs in memory runs here for real.
/// </summary>
public sealed class WorkflowsTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _connectionString;
    private readonly string _schema;
    private readonly string _data;

    private WorkflowsTestHost(IHost host, string? connectionString, string schema, string data) =>
        (_host, _connectionString, _schema, _data) = (host, connectionString, schema, data);

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Submits jobs and reads them back.</summary>
    public WorkflowClient Client => Services.GetRequiredService<WorkflowClient>();

    /// <summary>The schema the host's tables live in (unique to this host).</summary>
    public string Schema => _schema;

    /// <summary>
    /// Starts a host. The database is <paramref name="connectionString"/>, else the <c>WORKFLOWS_TEST_PG</c>
    /// environment variable, else the embedded default PostgreSQL (started in a temporary folder).
    /// </summary>
    /// <param name="register">Registers the workflows under test, e.g. <c>s =&gt; s.AddSingleton&lt;Workflow, MyWorkflow&gt;()</c>.</param>
    /// <param name="configure">More options (SHELL is allowed and polling is quick unless changed here).</param>
    /// <param name="connectionString">The PostgreSQL to use.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<WorkflowsTestHost> StartAsync(Action<IServiceCollection>? register = null, Action<WorkflowsOptions>? configure = null, string? connectionString = null, CancellationToken cancellationToken = default)
    {
        connectionString ??= Environment.GetEnvironmentVariable("WORKFLOWS_TEST_PG");
        var schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
        var data = System.IO.Path.Combine(System.IO.Path.GetTempPath(), schema);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = connectionString;
            options.Schema = schema;
            options.DataDirectory = data;
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            options.Execution.AllowShell = true;
            if (Environment.GetEnvironmentVariable("WORKFLOWS_TEST_DOCKER") is { Length: > 0 } docker)
            {
                options.DockerEndpoint = new Uri(docker);
            }

            configure?.Invoke(options);
        });
        register?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new WorkflowsTestHost(host, connectionString, schema, data);
    }

    /// <summary>Submits a job of a known type and waits for its end.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="parameters">Request parameters.</param>
    /// <param name="limit">How long to wait at most (default: 2 minutes): a bound so a bug fails the test instead of hanging it.</param>
    /// <returns>The ended job.</returns>
    /// <exception cref="TimeoutException">The job did not end in time; the message says where it was.</exception>
    public async Task<JobInfo> RunAsync(string jobType, IReadOnlyDictionary<string, string>? parameters = null, TimeSpan? limit = null)
    {
        var id = await Client.SubmitAsync(jobType, parameters).ConfigureAwait(false);
        return await Client.WaitForEndAsync(id, limit ?? TimeSpan.FromMinutes(2)).ConfigureAwait(false);
    }

    /// <summary>Stops the host, drops its schema and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
        if (_connectionString is not null)
        {
            await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var drop = new Npgsql.NpgsqlCommand($"drop schema if exists {_schema} cascade", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

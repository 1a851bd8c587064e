using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows.Marten;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Hosting.Tests.Support;

/// <summary>
/// A started host on the test PostgreSQL and Docker engine, in a schema and data folder of its own, both removed when
/// it is disposed. Waits are bounded so a bug fails the test instead of hanging it; they are not timing assertions.
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _schema;
    private readonly string _data;

    private RunningHost(IHost host, string schema, string data) => (_host, _schema, _data) = (host, schema, data);

    public IServiceProvider Services => _host.Services;

    public WorkflowClient Client => Services.GetRequiredService<WorkflowClient>();

    public JobStore Jobs => Services.GetRequiredService<JobStore>();

    public string Schema => _schema;

    /// <summary>Starts a host; with <paramref name="schema"/> it joins another host's database schema (a second worker host).</summary>
    public static async Task<RunningHost> StartAsync(string name, Action<WorkflowsOptions>? configure = null, Action<IServiceCollection>? services = null, string? schema = null)
    {
        schema ??= $"wf_{name}_{Guid.NewGuid().ToString("N")[..12]}";
        var data = Path.Combine(Path.GetTempPath(), schema + "_" + Guid.NewGuid().ToString("N")[..6]);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = TestInfrastructure.PostgresConnectionString;
            options.Schema = schema;
            options.DataDirectory = data;
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            options.DockerEndpoint = TestInfrastructure.DockerEndpoint;
            options.Execution.AllowShell = true;
            configure?.Invoke(options);
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new RunningHost(host, schema, data);
    }

    public async Task<JobView> WaitUntilAsync(string id, Func<JobView, bool> condition, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        JobView? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await Jobs.GetAsync(id); // the stored view: tests look at more than the client shows
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {id} did not reach the expected state within {limit ?? TimeSpan.FromSeconds(60)}: {last?.Status}, tasks {string.Join("; ", last?.Tasks ?? [])}.");
    }

    public Task<JobView> WaitForEndAsync(string id, TimeSpan? limit = null) =>
        WaitUntilAsync(id, v => v.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled, limit);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}

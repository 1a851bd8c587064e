using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Benchmarks.Throughput;

/// <summary>This engine: a generic host with <c>AddWorkflows</c>, one-task no-op workflows (in-process task), submitted with <see cref="WorkflowClient"/>.</summary>
internal sealed class WorkflowsEngine(string connectionString, string schema) : EngineUnderTest
{
    private const string NoopType = "bench-noop";
    private const string FailOnceType = "bench-fail-once";
    private const string DagType = "bench-dag";
    private IHost? _host;
    private WorkflowClient? _client;
    private string _jobType = NoopType;

    public override string Name => "workflows";

    public override Task StartServerAsync(int workers, Work work)
    {
        _jobType = work switch { Work.FailOnce => FailOnceType, Work.Dag => DagType, _ => NoopType };
        return StartAsync(workers);
    }

    public override Task StartClientAsync() => StartAsync(0);

    private async Task StartAsync(int workers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = connectionString;
            options.Schema = schema;
            options.DataDirectory = Path.Combine(Path.GetTempPath(), schema);
            options.WorkerCount = workers;
        });
        builder.Services.AddSingleton(Workflow.Create(NoopType, job => job.Task("noop").Run((context, _) =>
        {
            Probe.Started(long.Parse(context.Variables["submitted"], CultureInfo.InvariantCulture));
            return ValueTask.FromResult(0);
        })));
        // Fails its first attempt (exit 1) and succeeds on the immediate task retry.
        builder.Services.AddSingleton(Workflow.Create(FailOnceType, job => job.Task("flaky").Retry(1).Run((context, _) =>
            ValueTask.FromResult(context.Attempt == 1 ? 1 : 0))));
        builder.Services.AddSingleton(Workflow.Create(DagType, Chain));
        _host = builder.Build();
        await _host.StartAsync();
        _client = _host.Services.GetRequiredService<WorkflowClient>();
    }

    /// <summary>step1 → step2 → … → step5, each an in-process no-op started when the one before it completed.</summary>
    private static void Chain(JobBuilder job)
    {
        for (var step = 1; step <= DagLength; step++)
        {
            var task = job.Task($"step{step}").Run((_, _) => ValueTask.FromResult(0));
            if (step < DagLength)
            {
                task.OnCompleted($"step{step + 1}");
            }
        }
    }

    public override Task SubmitAsync(long submittedTicks) =>
        _client!.SubmitAsync(_jobType, new Dictionary<string, string> { ["submitted"] = submittedTicks.ToString(CultureInfo.InvariantCulture) });

    public override async Task<long> CountDoneAsync()
    {
        await using var session = _host!.Services.GetRequiredKeyedService<IDocumentStore>(WorkflowsServiceCollectionExtensions.StoreKey).QuerySession();
        return await session.Query<JobView>().LongCountAsync(v => v.Status == JobStatus.Completed);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Hosting.Tests;

public sealed class HostTests : IAsyncLifetime
{
    private readonly string _schema = "wf_host_" + Guid.NewGuid().ToString("N")[..12];

    private IHost Build(Action<WorkflowsOptions>? change = null, params Workflow[] workflows)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = TestInfrastructure.PostgresConnectionString;
            options.Schema = _schema;
            options.PollInterval = TimeSpan.FromMilliseconds(20);
            change?.Invoke(options);
        });
        foreach (var workflow in workflows)
        {
            builder.Services.AddSingleton(workflow);
        }

        return builder.Build();
    }

    [Fact]
    public async Task A_csharp_workflow_submitted_to_a_running_host_completes_with_its_retry()
    {
        var attempts = 0;
        var workflow = Workflow.Create("greet", job => job
            .Task("hello").Run((context, _) => ValueTask.FromResult(context.Variables.Count)).OnCompleted("flaky")
            .Task("flaky").Retry(2).Run((context, _) => ValueTask.FromResult(Interlocked.Increment(ref attempts) < 3 ? 1 : 0)));
        using var host = Build(workflows: workflow);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();

        var id = await client.SubmitAsync("greet");
        var view = await WaitForEndAsync(client, id);
        await host.StopAsync();

        Assert.Equal((JobStatus.Completed, 2, 3), (view.Status, view.Succeeded, attempts));
        Assert.Equal(3, view.Tasks.Single(t => t.TaskType == "flaky").Attempt);
    }

    [Fact]
    public async Task Idle_workers_are_woken_by_notifications_not_by_their_one_minute_poll()
    {
        var workflow = Workflow.Create("ping", job => job.Task("a").Run((_, _) => ValueTask.FromResult(0)).OnCompleted("b").Task("b").Run((_, _) => ValueTask.FromResult(0)));
        using var host = Build(options => options.PollInterval = TimeSpan.FromMinutes(1), workflow);
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();
        await Task.Delay(500); // the workers have polled once and gone idle for a minute

        // Three pieces of work become due one after another (start, a, b): only wake-ups can finish this in 30 s.
        var view = await WaitForEndAsync(client, await client.SubmitAsync("ping"));
        await host.StopAsync();
        Assert.Equal(JobStatus.Completed, view.Status);
    }

    [Fact]
    public async Task Submitting_an_unknown_job_type_names_the_registered_ones()
    {
        using var host = Build(workflows: Workflow.Create("known", job => job.Task("a").Run((_, _) => ValueTask.FromResult(0))));
        await host.StartAsync(); // an unknown type is looked up among the stored definitions too
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var error = await Assert.ThrowsAsync<UnknownJobTypeException>(() => client.SubmitAsync("knwon"));
        await host.StopAsync();
        Assert.Contains("Unknown job type 'knwon'. Known: 'known'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_stop_the_host_at_start_listing_every_bad_field()
    {
        using var host = Build(options =>
        {
            options.DataDirectory = "";
            options.WorkerCount = -1;
            options.Schema = "Bad Schema";
            options.Execution.RunAs = "Bad User";
        });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("DataDirectory is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("WorkerCount must be between 0 (a submit-only host) and 256.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Schema must be a lower-case PostgreSQL identifier", error.Message, StringComparison.Ordinal);
        Assert.Contains("Execution:RunAs must be a user name (e.g. 'nobody')", error.Message, StringComparison.Ordinal);
    }

    private static async Task<Workflows.Client.JobInfo> WaitForEndAsync(WorkflowClient client, string id)
    {
        // Waits on the real host (a test of the whole runtime, not a timing assertion): bounded so a bug fails, never hangs.
        for (var i = 0; i < 600; i++)
        {
            var view = await client.GetAsync(id);
            if (view is { Status: JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled })
            {
                return view;
            }

            await Task.Delay(50);
        }

        var last = await client.GetAsync(id);
        throw new TimeoutException($"Job {id} did not end within 30 s: {last?.Status}, tasks {string.Join("; ", last?.Tasks ?? [])}.");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

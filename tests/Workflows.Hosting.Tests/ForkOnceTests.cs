using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Logs;
using Workflows.Hosting.Batch;
using Workflows.Hosting.Tests.Support;

namespace Workflows.Hosting.Tests;

/// <summary>
/// A FORK_JOB attempt run again (a host took over the attempt after the first host died having forked) answers the child
/// it forked, not a second one: invariant fork-once (docs/reliability.md), found by the doctor's author reading the code.
/// </summary>
public class ForkOnceTests
{
    private static readonly Workflow Child = Workflow.Create("fork-once-child", job => job.Task("work").Run((_, _) => new ValueTask<int>(0)));

    [Fact]
    public async Task The_same_fork_attempt_run_twice_forks_one_child_and_a_retry_of_it_forks_another()
    {
        await using var host = await RunningHost.StartAsync("fork_once", services: services => services.AddSingleton(Child));
        var fork = host.Services.GetServices<ITaskExecutor>().OfType<ForkJobExecutor>().Single();
        var task = new TaskDefinition { TaskType = "fork", Method = TaskMethod.ForkJob, ForkJobType = "fork-once-child" };
        TaskExecution Attempt(int attempt) => new()
        {
            JobId = "fork-once-parent",
            JobType = "fork-once-parent",
            Task = task,
            Attempt = attempt,
            MaxAttempts = 2,
            Rendered = new RenderedTask([], [], [], null, [], [], []),
            Log = new Lines(),
            Artifacts = host.Services.GetRequiredService<Workflows.Executors.Artifacts.IArtifactStore>(),
        };

        var first = await fork.RunAsync(Attempt(1), CancellationToken.None);
        var again = await fork.RunAsync(Attempt(1), CancellationToken.None);
        var retried = await fork.RunAsync(Attempt(2), CancellationToken.None);

        Assert.Equal(0, first.ExitCode);
        var child = first.Outputs!["fork.ForkedJobID"];
        var retriedChild = retried.Outputs!["fork.ForkedJobID"];
        Assert.Equal(child, again.Outputs!["fork.ForkedJobID"]);
        Assert.NotEqual(child, retriedChild);
        var children = await host.Jobs.ChildrenAsync("fork-once-parent", CancellationToken.None);
        Assert.Equal(new[] { child, retriedChild }.Order(StringComparer.Ordinal), children.Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    private sealed class Lines : ITaskLog
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text => _text.ToString();

        public void Write(LogSource source, string line) => _text.AppendLine(line);
    }
}

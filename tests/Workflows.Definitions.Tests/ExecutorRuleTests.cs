using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class ExecutorRuleTests
{
    [Fact]
    public void WF5001_task_without_executor()
    {
        var job = Jobs.Of(new TaskDefinition { TaskType = "lost", Script = EquatableArray.Create("echo") });
        var problem = Assert.Single(job.Problems(NoExecutorId));
        Assert.StartsWith("Task 'lost' has no executor.", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF5001_a_container_alone_means_docker()
    {
        var task = new TaskDefinition { TaskType = "box", Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("date") };
        Assert.Equal(TaskMethod.Docker, task.EffectiveMethod);
        Assert.Empty(WorkflowValidator.Validate(Jobs.Of(task)));
    }

    [Fact]
    public void WF5002_http_task_with_a_container_has_two_executors()
    {
        var job = Jobs.Of(Jobs.Http("call") with { Container = new ContainerSpec("alpine") });
        var problem = Assert.Single(job.Problems(TwoExecutorsId));
        Assert.Equal("Task 'call' has two executors: HTTP_GET and a container image 'alpine'. Keep one.", problem.Message);
        Assert.Empty(Jobs.Of(Jobs.Http("call")).Problems(TwoExecutorsId));
    }

    [Fact]
    public void WF5003_executor_inputs_missing()
    {
        var job = Jobs.Of(
            new TaskDefinition { TaskType = "http", Method = TaskMethod.HttpPostJson, OnCompleted = "docker" },
            new TaskDefinition { TaskType = "docker", Method = TaskMethod.Docker, OnCompleted = "shell" },
            new TaskDefinition { TaskType = "shell", Method = TaskMethod.Shell, OnCompleted = "fork" },
            new TaskDefinition { TaskType = "fork", Method = TaskMethod.ForkJob, OnCompleted = "await" },
            new TaskDefinition { TaskType = "await", Method = TaskMethod.AwaitForkedJob });
        var missing = job.Problems(MissingExecutorInputId).Select(p => (p.Location.TaskType, p.Location.Key)).ToList();
        Assert.Equal([("http", "url"), ("docker", "container"), ("docker", "script"), ("shell", "script"), ("fork", "fork_job_type"), ("await", "await_forked_tasks")], missing);
    }

    [Fact]
    public void WF5003_complete_executors_pass()
    {
        var job = Jobs.Of(
            new TaskDefinition { TaskType = "http", Method = TaskMethod.HttpPostJson, Url = "https://example.com/x", OnCompleted = "fork" },
            new TaskDefinition { TaskType = "fork", Method = TaskMethod.ForkJob, ForkJobType = "child", OnCompleted = "await" },
            new TaskDefinition { TaskType = "await", Method = TaskMethod.AwaitForkedJob, AwaitForkedTasks = EquatableArray.Create("fork"), OnCompleted = "code" },
            new TaskDefinition { TaskType = "code", Method = TaskMethod.InProcess });
        Assert.Empty(WorkflowValidator.Validate(job));
    }

    [Theory]
    [InlineData("example.com/health")]
    [InlineData("ftp://example.com/file")]
    public void WF5004_url_must_be_absolute_http(string url)
    {
        var problem = Assert.Single(Jobs.Of(Jobs.Http("call", url)).Problems(InvalidUrlId));
        Assert.Contains($"calls '{url}', which is not an absolute http:// or https:// URL", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF5004_templated_urls_are_checked_when_rendered_not_now() =>
        Assert.Empty(Jobs.Of(Jobs.Http("call", "{{ BaseUrl }}/health")).Problems(InvalidUrlId));
}

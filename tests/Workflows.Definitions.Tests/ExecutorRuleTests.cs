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
    public void WF5006_a_container_beside_a_method_that_runs_none_is_a_warning_naming_what_runs()
    {
        // formicary's fixtures write 'method: SHELL' beside 'container: image: alpine' (the method decides there).
        var job = Jobs.Of(Jobs.Http("call") with { Container = new ContainerSpec("alpine") });
        var problem = Assert.Single(job.Problems(MethodBesideContainerId));
        Assert.False(problem.IsError);
        Assert.Equal("Task 'call' has method HTTP_GET and a container image 'alpine': HTTP_GET runs the task, as in formicary, where the method decides, and the image is not used. Remove the container, or write method DOCKER to run in the image.", problem.Message);
        Assert.Empty(job.Problems(TwoExecutorsId));
        Assert.DoesNotContain(WorkflowValidator.Validate(job), p => p.IsError);
        Assert.Empty(Jobs.Of(Jobs.Http("call")).Problems(MethodBesideContainerId));
        Assert.Empty(Jobs.Of(new TaskDefinition { TaskType = "box", Method = TaskMethod.Docker, Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("date") }).Problems(MethodBesideContainerId));
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

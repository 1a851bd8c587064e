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
    public void WF5007_service_limits_and_volumes_that_cannot_run_as_written_are_errors_naming_the_service_and_the_fix()
    {
        var task = new TaskDefinition
        {
            TaskType = "test", Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("make test"),
            Services = EquatableArray.Create(new ServiceSpec("db", "postgres:16", CpuLimit: "many", MemoryRequest: "lots",
                Volumes: EquatableArray.Create(
                    new VolumeSpec(VolumeKind.EmptyDir, string.Empty, "/certs"),
                    new VolumeSpec(VolumeKind.EmptyDir, "certs", "certs"),
                    new VolumeSpec(VolumeKind.HostPath, "shared", "/shared")))),
        };

        var problems = Jobs.Of(task).Problems(InvalidServiceId);

        Assert.All(problems, p => Assert.True(p.IsError));
        Assert.Equal(
            [
                ("[0].memory_request", "Task 'test' has service 'db' with memory_request = 'lots': it is not a size. Use a size such as 512Mi, 1Gi or 256m."),
                ("[0].cpu_limit", "Task 'test' has service 'db' with cpu_limit = 'many': it is not a CPU count. Use a CPU count such as 0.5, 2 or 500m."),
                ("[0].volumes", "Task 'test' has service 'db' with a volume without a name under empty_dir: name it: '- name: data' under 'volumes: empty_dir:' (an empty_dir of the same name in the task's container is shared with it)."),
                ("[0].volumes", "Task 'test' has service 'db' with empty_dir volume 'certs' mounted at 'certs': a mount path must be an absolute path in the container. Write 'mount_path: /certs'."),
                ("[0].volumes", "Task 'test' has service 'db' with host_path volume 'shared' without a host_path: say which host folder it is: 'host_path: /shared'. (Docker hosts mount no host folders: share files with the task through an empty_dir volume.)"),
            ],
            problems.Select(p => (p.Location.Item, p.Message)));
    }

    [Fact]
    public void WF5007_formicarys_service_limits_and_volumes_pass()
    {
        // formicary's docs/advanced_k8.md: "These resource options are also available for services such as" redis below.
        var task = new TaskDefinition
        {
            TaskType = "test", Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("make test"),
            Services = EquatableArray.Create(new ServiceSpec("redis", "redis:6.2.2-alpine", CpuLimit: "1", CpuRequest: "500m", MemoryLimit: "1Gi", MemoryRequest: "1Gi",
                EphemeralStorageLimit: "2Gi", EphemeralStorageRequest: "1Gi",
                Volumes: EquatableArray.Create(new VolumeSpec(VolumeKind.EmptyDir, "certs", "/mycerts/client"), new VolumeSpec(VolumeKind.HostPath, "mount1", "/myshared", HostPath: "/shared")))),
        };

        Assert.Empty(WorkflowValidator.Validate(Jobs.Of(task)));
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

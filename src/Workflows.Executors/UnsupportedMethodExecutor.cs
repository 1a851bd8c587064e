using Workflows.Definitions;

namespace Workflows.Executors;

/// <summary>
/// The answer for methods no executor runs in this host: the attempt fails at once with
/// <see cref="ExecutorErrors.MethodNotSupported"/> and a message naming the method and the way out (never a hang).
/// </summary>
internal sealed class UnsupportedMethodExecutor : ITaskExecutor
{
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [];

    public Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        var method = execution.Task.EffectiveMethod;
        var message = method switch
        {
            TaskMethod.Kubernetes => $"Task '{execution.Task.TaskType}' uses KUBERNETES, which this host does not run (no cluster executor is built in). For local runs, map it to DOCKER: set Workflows:Executors:KubernetesAsDocker=true.",
            null => $"Task '{execution.Task.TaskType}' has no method: give it a container (DOCKER), a method (SHELL, HTTP_GET, …) or C# code with .Run(...).",
            _ => $"Task '{execution.Task.TaskType}' uses {method.Value.ToYaml()}, which this host has no executor for. Supported: DOCKER, SHELL, HTTP_GET, HTTP_POST_FORM, HTTP_POST_JSON, HTTP_PUT_FORM, HTTP_PUT_JSON, HTTP_DELETE, FORK_JOB, AWAIT_FORKED_JOB, EXPIRE_ARTIFACTS and C# tasks.",
        };
        return Task.FromResult(TaskOutcome.Error(ExecutorErrors.MethodNotSupported, message));
    }
}

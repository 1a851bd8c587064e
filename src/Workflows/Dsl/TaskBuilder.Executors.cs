using Workflows.Definitions;

namespace Workflows;

public sealed partial class TaskBuilder
{
    /// <summary>Runs the script in a container of <paramref name="image"/> (<c>container.image</c>); the executor is
    /// DOCKER unless <see cref="Kubernetes(string)"/> says otherwise.</summary>
    /// <param name="image">The image, e.g. <c>alpine</c>.</param>
    public TaskBuilder Container(string image) => Set(Current with { Container = (Current.Container ?? new ContainerSpec(image)) with { Image = image } });

    /// <summary>Runs the script in a container described in full (<c>container</c>: image, limits, options).</summary>
    /// <param name="container">The container.</param>
    public TaskBuilder Container(ContainerSpec container) => Set(Current with { Container = container });

    /// <summary>Runs the script with Docker in <paramref name="image"/> (<c>method: DOCKER</c>).</summary>
    /// <param name="image">The image.</param>
    public TaskBuilder Docker(string image) => Executor(TaskMethod.Docker).Container(image);

    /// <summary>Runs the script in a Kubernetes pod of <paramref name="image"/> (<c>method: KUBERNETES</c>).</summary>
    /// <param name="image">The image.</param>
    public TaskBuilder Kubernetes(string image) => Executor(TaskMethod.Kubernetes).Container(image);

    /// <summary>Runs the script with <c>/bin/sh</c> on the worker host (<c>method: SHELL</c>).</summary>
    public TaskBuilder Shell() => Executor(TaskMethod.Shell);

    /// <summary>HTTP GET of <paramref name="url"/>; 2xx is exit code 0, any other status is the exit code (<c>method: HTTP_GET</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpGet(string url) => Executor(TaskMethod.HttpGet).Script(url);

    /// <summary>HTTP POST of the variables as a form (<c>method: HTTP_POST_FORM</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPostForm(string url) => Executor(TaskMethod.HttpPostForm).Script(url);

    /// <summary>HTTP POST of the variables as JSON (<c>method: HTTP_POST_JSON</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPostJson(string url) => Executor(TaskMethod.HttpPostJson).Script(url);

    /// <summary>HTTP PUT of the variables as a form (<c>method: HTTP_PUT_FORM</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPutForm(string url) => Executor(TaskMethod.HttpPutForm).Script(url);

    /// <summary>HTTP PUT of the variables as JSON (<c>method: HTTP_PUT_JSON</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPutJson(string url) => Executor(TaskMethod.HttpPutJson).Script(url);

    /// <summary>HTTP DELETE (<c>method: HTTP_DELETE</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpDelete(string url) => Executor(TaskMethod.HttpDelete).Script(url);

    /// <summary>Starts a child job (<c>method: FORK_JOB</c>, <c>fork_job_type</c>, <c>fork_job_version</c>).</summary>
    /// <param name="jobType">The child job type.</param>
    /// <param name="version">The child job version; null = latest.</param>
    public TaskBuilder ForkJob(string jobType, string? version = null) =>
        Executor(TaskMethod.ForkJob).Set(Current with { ForkJobType = jobType, ForkJobVersion = version });

    /// <summary>Waits for the jobs forked by the named tasks (<c>method: AWAIT_FORKED_JOB</c>, <c>await_forked_tasks</c>).</summary>
    /// <param name="forkTasks">The FORK_JOB tasks.</param>
    public TaskBuilder AwaitForkedJobs(params string[] forkTasks) =>
        Executor(TaskMethod.AwaitForkedJob).Set(Current with { AwaitForkedTasks = Current.AwaitForkedTasks.Concat(forkTasks).ToEquatableArray() });

    /// <summary>A manual approval gate (<c>method: MANUAL</c>, <c>approval_policy</c>).</summary>
    /// <param name="policy">Who must approve; null = one approval from anyone.</param>
    public TaskBuilder Manual(ApprovalPolicy? policy = null) => Executor(TaskMethod.Manual).Set(Current with { ApprovalPolicy = policy });

    /// <summary>Request/reply over a message queue (<c>method: MESSAGING</c>).</summary>
    /// <param name="requestQueue">Request topic.</param>
    /// <param name="replyQueue">Reply topic.</param>
    public TaskBuilder Messaging(string requestQueue, string replyQueue) =>
        Executor(TaskMethod.Messaging).Set(Current with { MessagingRequestQueue = requestQueue, MessagingReplyQueue = replyQueue });

    /// <summary>Run by a worker connected over a websocket (<c>method: WEBSOCKET</c>).</summary>
    public TaskBuilder Websocket() => Executor(TaskMethod.Websocket);

    /// <summary>Expire old artifacts (<c>method: EXPIRE_ARTIFACTS</c>).</summary>
    public TaskBuilder ExpireArtifacts() => Executor(TaskMethod.ExpireArtifacts);

    /// <summary>Sets the executor by name, as YAML's <c>method:</c> does.</summary>
    /// <param name="method">The method.</param>
    public TaskBuilder Method(TaskMethod method) => Executor(method);

    /// <summary>Runs C# inside the host; the returned int is the exit code. An exception fails the task with its type recorded.</summary>
    /// <param name="handler">The code.</param>
    public TaskBuilder Run(Func<TaskContext, CancellationToken, ValueTask<int>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Executor(TaskMethod.InProcess);
        _job.SetHandler(Current.TaskType, (context, token) => handler(context, token));
        return this;
    }

    /// <summary>Runs C# inside the host; completing is exit code 0. An exception fails the task with its type recorded.</summary>
    /// <param name="handler">The code.</param>
    public TaskBuilder Run(Func<TaskContext, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Run(async (context, token) =>
        {
            await handler(context, token).ConfigureAwait(false);
            return 0;
        });
    }

    /// <summary>Sets the method; a second, different executor is reported (WF5002) rather than silently replacing the first.</summary>
    private TaskBuilder Executor(TaskMethod method)
    {
        var task = Current;
        if (task.Method is { } existing && existing != method)
        {
            _job.Report(WorkflowDiagnostics.TwoExecutors.Create(
                new DefinitionPointer(task.TaskType, "method", method.ToYaml(), _index), task.TaskType, existing.ToYaml(), method.ToYaml()));
            return this;
        }

        return Set(task with { Method = method });
    }
}

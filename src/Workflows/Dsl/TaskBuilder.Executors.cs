using Workflows.Definitions;

namespace Workflows;

public sealed partial class TaskBuilder
{
    /// <summary>Runs the script in a container of <paramref name="image"/> (<c>container.image</c>); the executor is
    /// DOCKER unless <see cref="Kubernetes(string)"/> says otherwise.</summary>
    /// <param name="image">The image, e.g. <c>alpine</c>.</param>
    public TaskBuilder Container(string image) => Apply(nameof(Container), [image]);

    /// <summary>Runs the script in a container described in full (<c>container</c>: image, limits, options).</summary>
    /// <param name="container">The container.</param>
    public TaskBuilder Container(ContainerSpec container) => Apply(nameof(Container), [container]);

    /// <summary>Runs the script with Docker in <paramref name="image"/> (<c>method: DOCKER</c>).</summary>
    /// <param name="image">The image.</param>
    public TaskBuilder Docker(string image) => Apply(nameof(Docker), [image]);

    /// <summary>Runs the script in a Kubernetes pod of <paramref name="image"/> (<c>method: KUBERNETES</c>).</summary>
    /// <param name="image">The image.</param>
    public TaskBuilder Kubernetes(string image) => Apply(nameof(Kubernetes), [image]);

    /// <summary>Runs the script with <c>/bin/sh</c> on the worker host (<c>method: SHELL</c>).</summary>
    public TaskBuilder Shell() => Apply(nameof(Shell), []);

    /// <summary>HTTP GET of <paramref name="url"/>; 2xx is exit code 0, any other status is the exit code (<c>method: HTTP_GET</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpGet(string url) => Apply(nameof(HttpGet), [url]);

    /// <summary>HTTP POST of the variables as a form (<c>method: HTTP_POST_FORM</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPostForm(string url) => Apply(nameof(HttpPostForm), [url]);

    /// <summary>HTTP POST of the variables as JSON (<c>method: HTTP_POST_JSON</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPostJson(string url) => Apply(nameof(HttpPostJson), [url]);

    /// <summary>HTTP PUT of the variables as a form (<c>method: HTTP_PUT_FORM</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPutForm(string url) => Apply(nameof(HttpPutForm), [url]);

    /// <summary>HTTP PUT of the variables as JSON (<c>method: HTTP_PUT_JSON</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpPutJson(string url) => Apply(nameof(HttpPutJson), [url]);

    /// <summary>HTTP DELETE (<c>method: HTTP_DELETE</c>).</summary>
    /// <param name="url">An absolute http(s) URL, or a template; added as a script line, where formicary keeps HTTP URLs.</param>
    public TaskBuilder HttpDelete(string url) => Apply(nameof(HttpDelete), [url]);

    /// <summary>Starts a child job (<c>method: FORK_JOB</c>, <c>fork_job_type</c>, <c>fork_job_version</c>).</summary>
    /// <param name="jobType">The child job type.</param>
    /// <param name="version">The child job version; null = latest.</param>
    public TaskBuilder ForkJob(string jobType, string? version = null) => Apply(nameof(ForkJob), [jobType, version]);

    /// <summary>Waits for the jobs forked by the named tasks (<c>method: AWAIT_FORKED_JOB</c>, <c>await_forked_tasks</c>).</summary>
    /// <param name="forkTasks">The FORK_JOB tasks.</param>
    public TaskBuilder AwaitForkedJobs(params string[] forkTasks) => Apply(nameof(AwaitForkedJobs), [forkTasks]);

    /// <summary>A manual approval gate (<c>method: MANUAL</c>, <c>approval_policy</c>).</summary>
    /// <param name="policy">Who must approve; null = one approval from anyone.</param>
    public TaskBuilder Manual(ApprovalPolicy? policy = null) => Apply(nameof(Manual), [policy]);

    /// <summary>
    /// A manual approval gate with its policy written fluently (<c>method: MANUAL</c>, <c>approval_policy</c>), e.g.
    /// <c>.Manual(approvals => approvals.MinApprovals(2).AllowedRoles("release-manager").SlaDeadline(TimeSpan.FromHours(8)).AutoReject())</c>.
    /// </summary>
    /// <param name="approvals">Sets the policy's keys; <c>approvals => approvals</c> is the default policy.</param>
    public TaskBuilder Manual(Func<ApprovalPolicyBuilder, ApprovalPolicyBuilder> approvals)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        return Apply(nameof(Manual), [approvals(new ApprovalPolicyBuilder()).Policy]);
    }

    /// <summary>Request/reply over a message queue (<c>method: MESSAGING</c>).</summary>
    /// <param name="requestQueue">Request topic.</param>
    /// <param name="replyQueue">Reply topic.</param>
    public TaskBuilder Messaging(string requestQueue, string replyQueue) => Apply(nameof(Messaging), [requestQueue, replyQueue]);

    /// <summary>Run by a worker connected over a websocket (<c>method: WEBSOCKET</c>).</summary>
    public TaskBuilder Websocket() => Apply(nameof(Websocket), []);

    /// <summary>Expire old artifacts (<c>method: EXPIRE_ARTIFACTS</c>).</summary>
    public TaskBuilder ExpireArtifacts() => Apply(nameof(ExpireArtifacts), []);

    /// <summary>Sets the executor by name, as YAML's <c>method:</c> does.</summary>
    /// <param name="method">The method.</param>
    public TaskBuilder Method(TaskMethod method) => Apply(nameof(Method), [method]);

    /// <summary>Runs C# inside the host; the returned int is the exit code. An exception fails the task with its type recorded.</summary>
    /// <param name="handler">The code.</param>
    public TaskBuilder Run(Func<TaskContext, CancellationToken, ValueTask<int>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Apply(nameof(Run), []);
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
}

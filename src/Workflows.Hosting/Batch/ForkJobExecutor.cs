using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Logs;
using Workflows.Marten;
using Workflows.Templates;

namespace Workflows.Hosting.Batch;

/// <summary>
/// FORK_JOB: submits a child job of <c>fork_job_type</c> linked to this job (its batch parent) and to this task. Its
/// params are only <c>sub_workflow.input_params</c> (rendered with the task's variables), plus <c>ForkedJob=true</c> and
/// one <c>ParentJobType_&lt;id&gt;</c> per ancestor (formicary's fork guard: a job never forks its own type through
/// its ancestry, and at most 10 levels deep). Exits 0 at once; with <c>wait_for_completion</c> it waits for the child
/// like AWAIT_FORKED_JOB.
/// </summary>
/// <param name="client">Submits the child.</param>
/// <param name="jobs">Reads the child while waiting.</param>
/// <param name="time">The clock.</param>
internal sealed class ForkJobExecutor(WorkflowClient client, JobStore jobs, TimeProvider time) : ITaskExecutor
{
    private const string ParentTypePrefix = "ParentJobType_";

    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.ForkJob];

    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var task = execution.Task;
        if (string.IsNullOrEmpty(task.ForkJobType))
        {
            return TaskOutcome.Error(ForkErrors.Fork, $"Task '{task.TaskType}' is a FORK_JOB without fork_job_type: name the job type to fork.");
        }

        if (Params(execution, task.ForkJobType, execution.Variables, time.GetUtcNow(), out var parameters) is { } refused)
        {
            return refused;
        }

        // The child belongs to whoever submitted the parent, so they may retry it.
        var parent = await jobs.GetAsync(execution.JobId, cancellationToken).ConfigureAwait(false);
        string childId;
        try
        {
            childId = await client.SubmitAsync(
                new JobSubmission(task.ForkJobType)
                {
                    JobId = ChildId(execution),
                    Params = parameters, ParentJobId = execution.JobId, ForkTask = task.TaskType, SubmittedBy = parent?.SubmittedBy, SubmitterId = parent?.SubmitterId,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // Unknown or disabled job type, missing required params: the message names the fix.
            return TaskOutcome.Error(ForkErrors.Fork, $"Task '{task.TaskType}' could not fork '{task.ForkJobType}': {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return TaskOutcome.Error(ForkErrors.Fork, $"Task '{task.TaskType}' could not fork '{task.ForkJobType}': {e.Message}");
        }

        execution.Log.Write(LogSource.System, $"forked job {childId} ({task.ForkJobType}) with params {Describe(parameters)}");
        var forked = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [task.TaskType + ForkedJobs.IdSuffix] = childId,
            [task.TaskType + ".ForkedJobType"] = task.ForkJobType,
        };
        if (task.SubWorkflow?.WaitForCompletion != true)
        {
            return TaskOutcome.Exited(0) with { Outputs = forked };
        }

        var ended = await ForkedJobs.AwaitAsync(jobs, [childId], task.SubWorkflow, execution.Log, time, cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in ended.Outputs ?? new Dictionary<string, string>())
        {
            forked[name] = value;
        }

        return ended with { Outputs = forked };
    }

    /// <summary>
    /// The params of a job forked by this attempt: <c>sub_workflow.input_params</c> rendered with
    /// <paramref name="variables"/>, <c>ForkedJob=true</c> and the fork guard's <c>ParentJobType_&lt;id&gt;</c>; or why
    /// the fork is refused (a loop, too deep, an input that does not render or would pass a secret).
    /// </summary>
    internal static TaskOutcome? Params(TaskExecution execution, string forkJobType, IReadOnlyDictionary<string, string> variables, DateTimeOffset now, out Dictionary<string, string> parameters)
    {
        var task = execution.Task;
        var rendered = parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var ancestors = variables.Where(v => v.Key.StartsWith(ParentTypePrefix, StringComparison.Ordinal)).ToList();
        if (ancestors.Any(a => a.Value == forkJobType) || execution.JobType == forkJobType)
        {
            return TaskOutcome.Error(ForkErrors.Loop, $"Task '{task.TaskType}' would fork '{forkJobType}', which is this job or one of its ancestors: a job may not fork itself.");
        }

        if (ancestors.Count >= 10)
        {
            return TaskOutcome.Error(ForkErrors.Depth, $"Task '{task.TaskType}' would fork an 11th level of jobs; at most 10 levels are allowed.");
        }

        var scope = new TemplateScope(variables, now, new Random());
        var secrets = execution.Secrets.Where(variables.ContainsKey).Select(n => (Name: n, Value: variables[n])).Where(s => s.Value.Length > 0).ToList();
        foreach (var input in task.SubWorkflow?.InputParams ?? default)
        {
            try
            {
                parameters[input.Name] = TemplateRenderer.IsTemplate(input.Value) ? TemplateRenderer.Render(input.Value, scope) : input.Value;
            }
            catch (TemplateRenderException e)
            {
                return TaskOutcome.Error(ExecutorErrors.TemplateFailed, $"Task '{task.TaskType}': input param '{input.Name}' does not render: {e.Message}");
            }

            // A child's params are recorded in its history: a secret stays in its own job type's configs.
            if (secrets.FirstOrDefault(s => rendered[input.Name].Contains(s.Value, StringComparison.Ordinal)) is { Name: { } secret })
            {
                return TaskOutcome.Error(ForkErrors.Fork,
                    $"Task '{task.TaskType}': input param '{input.Name}' would pass the secret config '{secret}' to the forked job, whose params are recorded in its history. Set the secret as a config of '{forkJobType}' instead.");
            }
        }

        parameters["ForkedJob"] = "true";
        foreach (var (key, value) in ancestors)
        {
            parameters[key] = value;
        }

        parameters[ParentTypePrefix + execution.JobId] = execution.JobType;
        return null;
    }

    /// <summary>The params worth a log line: not the fork guard's.</summary>
    internal static string Describe(Dictionary<string, string> parameters) =>
        string.Join(", ", parameters.Where(p => !p.Key.StartsWith(ParentTypePrefix, StringComparison.Ordinal)).Select(p => p.Key + "=" + p.Value));

    /// <summary>
    /// The child's id, the same each time this attempt runs: a host that takes over an attempt whose host died after
    /// forking submits it again, and the existing child is answered instead of a second one (invariant fork-once).
    /// </summary>
    internal static string ChildId(TaskExecution execution) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"fork\n{execution.JobId}\n{execution.JobAttempt.ToString(CultureInfo.InvariantCulture)}\n{execution.Task.TaskType}\n{execution.Attempt.ToString(CultureInfo.InvariantCulture)}")))[..32];
}

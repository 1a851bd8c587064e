using System.Globalization;
using Workflows.Definitions;
using Workflows.Executors.FanOut;
using Workflows.Executors.Logs;
using Workflows.Templates;

namespace Workflows.Executors;

/// <summary>
/// <c>fan_out</c> (formicary's FAN_OUT_JOB, <c>queen/tasklet/fan_out_tasklet.go</c>): one run per element of the JSON
/// array in the variable <c>source</c>. Task mode runs the task's own method once per item (task
/// <c>&lt;task&gt;-fo-&lt;i&gt;</c>, the item under <c>item_var</c>, its log lines prefixed <c>[i] </c>); job mode forks one
/// child job per item (<see cref="IFanOutJobs"/>). Items start in order, at most <c>max_parallel</c> at a time (0: all);
/// with <c>fail_fast</c> the first failure stops the items still running and starts no more. The attempt fails when
/// an item failed, with the first failing item's exit code and error code; its outputs are formicary's aggregates.
/// The task's timeout, retries and exit-code maps apply to the whole fan-out.
/// </summary>
public sealed partial class TaskRunner
{
    private const string Completed = "COMPLETED";
    private const string Failed = "FAILED";
    private const string Cancelled = "CANCELLED";

    private async Task<TaskOutcome> FanOutAsync(AttemptRequest request, FanOutSpec fanOut, TaskExecution parent, CancellationToken cancellationToken, CancellationToken stopping)
    {
        var task = parent.Task;
        var jobMode = !string.IsNullOrEmpty(fanOut.ForkJobType);
        var mode = jobMode ? "job" : "task";
        var now = time.GetUtcNow();
        string? source = null;
        if (parent.Variables.TryGetValue(fanOut.Source, out var raw))
        {
            try
            {
                source = TemplateRenderer.IsTemplate(raw) ? TemplateRenderer.Render(raw, new TemplateScope(TemplateVariables(request, parent.Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), now), now, new Random(), jobs)) : raw;
            }
            catch (TemplateRenderException e)
            {
                return TaskOutcome.Error(ExecutorErrors.TemplateFailed, $"Task '{task.TaskType}': fan_out.source '{fanOut.Source}' does not render: {e.Message}");
            }
        }

        if (FanOutItems.Read(task.TaskType, fanOut.Source, source, out var error) is not { } items)
        {
            return TaskOutcome.Error(FanOutErrors.Source, error!);
        }

        if (jobMode && fanOutJobs is null)
        {
            return TaskOutcome.Error(FanOutErrors.JobsNotSupported, $"Task '{task.TaskType}' fans out to jobs of '{fanOut.ForkJobType}', but this runner forks no jobs: run it on a Workflows host (AddWorkflows registers the job fan-out).");
        }

        var limit = fanOut.MaxParallel <= 0 || fanOut.MaxParallel > items.Count ? Math.Max(1, items.Count) : fanOut.MaxParallel;
        parent.Log.Write(LogSource.System, $"fan-out ({mode} mode) over {items.Count} item(s) of '{fanOut.Source}', at most {limit} at a time{(fanOut.FailFast ? ", fail_fast" : string.Empty)}");
        var results = new TaskOutcome?[items.Count];
        var running = new Dictionary<int, Task>();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(limit);
        var failedItem = -1;

        async Task RunItemAsync(int index)
        {
            try
            {
                var outcome = jobMode
                    ? await fanOutJobs!.RunAsync(parent, index, items[index], failFast.Token).ConfigureAwait(false)
                    : await RunTaskItemAsync(request, fanOut, parent, index, items[index], failFast.Token).ConfigureAwait(false);
                if (IsFailure(outcome) && failFast.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // Stopped by fail_fast after a sibling failed: killed, not failed on its own.
                    outcome = StoppedByFailFast(outcome, failedItem);
                }
                else if (IsFailure(outcome) && fanOut.FailFast && Interlocked.CompareExchange(ref failedItem, index, -1) == -1)
                {
                    parent.Log.Write(LogSource.System, $"fan-out item {index} failed: fail_fast stops the items still running and starts no more");
                    await failFast.CancelAsync().ConfigureAwait(false);
                }

                results[index] = outcome;
            }
            catch (OperationCanceledException) when (failFast.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                results[index] = StoppedByFailFast(null, failedItem);
            }
            finally
            {
                slots.Release();
            }
        }

        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                try
                {
                    await slots.WaitAsync(failFast.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (failFast.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                // A slot freed by the failing item may be granted to a wait its cancellation has not reached yet.
                if (failFast.IsCancellationRequested)
                {
                    slots.Release();
                    cancellationToken.ThrowIfCancellationRequested();
                    break;
                }

                running[i] = RunItemAsync(i);
            }

            await Task.WhenAll(running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAll(running.Values.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            // A host that stops leaves the child jobs running: the host that takes the attempt over finds them by their ids.
            if (jobMode && !stopping.IsCancellationRequested)
            {
                await CancelJobsAsync(parent, running.Keys).ConfigureAwait(false);
            }

            throw;
        }

        if (jobMode && failedItem >= 0)
        {
            await CancelJobsAsync(parent, running.Keys.Where(i => results[i] is { ErrorCode: FanOutErrors.Cancelled })).ConfigureAwait(false);
        }

        for (var i = 0; i < items.Count; i++)
        {
            results[i] ??= new TaskOutcome(null, FanOutErrors.Cancelled, $"not started: item {failedItem} failed and fail_fast is set");
        }

        return Aggregate(task, fanOut, mode, items, results!);
    }

    private async Task<TaskOutcome> RunTaskItemAsync(AttemptRequest request, FanOutSpec fanOut, TaskExecution parent, int index, string item, CancellationToken cancellationToken)
    {
        var variables = new Dictionary<string, string>(parent.Variables, StringComparer.Ordinal) { [fanOut.ItemVariable] = item };
        var itemTask = FanOutItems.ItemTask(parent.Task, index);
        var capture = new OutputCapture(new PrefixedLog(parent.Log, $"[{index.ToString(CultureInfo.InvariantCulture)}] "));
        var now = time.GetUtcNow();
        RenderedTask rendered;
        try
        {
            rendered = Render(parent.Task, new TemplateScope(TemplateVariables(request, variables, now), now, new Random(), jobs));
        }
        catch (TemplateRenderException e)
        {
            capture.Write(LogSource.System, e.Message);
            return TaskOutcome.Error(ExecutorErrors.TemplateFailed, $"Task '{itemTask.TaskType}': {e.Message}");
        }

        capture.Write(LogSource.System, $"item {index}: {fanOut.ItemVariable}={item}");
        TaskOutcome outcome;
        try
        {
            outcome = await executors.For(itemTask).RunAsync(parent with
            {
                Task = itemTask, Rendered = rendered, Variables = variables, Log = capture,
                Exported = TaskExecution.ExportedVariables(request.Definition, parent.Task, variables, request.Params, request.Configs.Secrets),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One item's executor failure is that item's outcome, as an attempt's is.
        catch (Exception e)
#pragma warning restore CA1031
        {
            capture.Write(LogSource.System, $"executor failed: {e.GetType().Name}: {e.Message}");
            outcome = TaskOutcome.Error(ExecutorErrors.ExecutorFailed, $"Task '{itemTask.TaskType}': the executor failed: {e.Message}");
        }

        if (outcome.Message is { } message)
        {
            capture.Write(LogSource.System, message);
        }

        return outcome with { Outputs = Outputs(capture, outcome.Outputs) };
    }

    private async Task CancelJobsAsync(TaskExecution parent, IEnumerable<int> indexes)
    {
        foreach (var index in indexes.ToList())
        {
            try
            {
                await fanOutJobs!.CancelAsync(parent, index, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the fan-out's own outcome is already decided; a child left running is cancelled with the job.
            catch (Exception e)
#pragma warning restore CA1031
            {
                parent.Log.Write(LogSource.System, $"fan-out item {index}: its job could not be cancelled: {e.Message}");
            }
        }
    }

    private static bool IsFailure(TaskOutcome outcome) => outcome.ErrorCode is not null || outcome.ExitCode is not 0;

    private static TaskOutcome StoppedByFailFast(TaskOutcome? outcome, int failedItem) =>
        new(outcome?.ExitCode, FanOutErrors.Cancelled, $"stopped: item {failedItem} failed and fail_fast is set") { Outputs = outcome?.Outputs };

    private static string StatusOf(TaskOutcome outcome) =>
        !IsFailure(outcome) ? Completed
        : outcome.ErrorCode is FanOutErrors.Cancelled or ExecutorErrors.Cancelled or FanOutErrors.ForkedJobCancelled ? Cancelled
        : Failed;

    /// <summary>formicary's aggregates (<c>buildAggregatedResponse</c>): per item <c>&lt;item_var&gt;_&lt;i&gt;_status</c>, <c>_exit_code</c>, <c>_error_code</c>, <c>_error_message</c> and its own outputs; <c>FanOutItemCount</c>, <c>FanOutSource</c>, <c>FanOutMode</c>.</summary>
    private static TaskOutcome Aggregate(TaskDefinition task, FanOutSpec fanOut, string mode, IReadOnlyList<string> items, TaskOutcome[] results)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++)
        {
            var prefix = $"{fanOut.ItemVariable}_{i.ToString(CultureInfo.InvariantCulture)}_";
            foreach (var (name, value) in results[i].Outputs ?? new Dictionary<string, string>())
            {
                outputs[prefix + name] = value;
            }

            outputs[prefix + "status"] = StatusOf(results[i]);
            outputs[prefix + "exit_code"] = results[i].ExitCode?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
            outputs[prefix + "error_code"] = results[i].ErrorCode ?? string.Empty;
            outputs[prefix + "error_message"] = IsFailure(results[i]) ? results[i].Message ?? $"exit code {results[i].ExitCode}" : string.Empty;
        }

        outputs["FanOutItemCount"] = items.Count.ToString(CultureInfo.InvariantCulture);
        outputs["FanOutSource"] = fanOut.Source;
        outputs["FanOutMode"] = mode;
        var failed = Enumerable.Range(0, results.Length).Where(i => IsFailure(results[i])).ToList();
        if (failed.Count == 0)
        {
            return TaskOutcome.Exited(0) with { Outputs = outputs };
        }

        // The failure that made the others stop, not the items fail_fast stopped.
        var first = failed.FirstOrDefault(i => results[i].ErrorCode != FanOutErrors.Cancelled, failed[0]);
        var cause = results[first];
        var others = failed.Count - 1;
        var message = $"Task '{task.TaskType}': fan-out item {first} ({fanOut.ItemVariable}={items[first]}) of {items.Count} failed: {cause.Message ?? $"exit code {cause.ExitCode}"}" +
            (others > 0 ? $" ({others} other item(s) failed or were stopped: see {fanOut.ItemVariable}_<i>_status)" : string.Empty);
        var errorCode = cause.ErrorCode ?? (cause.ExitCode is null ? FanOutErrors.ItemFailed : null);
        return new TaskOutcome(cause.ExitCode, errorCode, message) { Outputs = outputs };
    }
}

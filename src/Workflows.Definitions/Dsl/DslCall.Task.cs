using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Workflows.Definitions
{
    public static partial class DslCall
    {
        /// <summary>Applies a task-level DSL method.</summary>
        /// <param name="task">The task so far.</param>
        /// <param name="taskIndex">The task's position in the job (for problem locations).</param>
        /// <param name="method">The method's name, e.g. <c>OnExitCode</c>.</param>
        /// <param name="args">Its arguments (optional ones included; a <c>params</c> array as one string array).</param>
        /// <param name="problem">Set when the call is itself a mistake (a second executor, WF5002).</param>
        /// <returns>The task after the call.</returns>
        /// <exception cref="ArgumentException">The method is not a task-level DSL method.</exception>
        public static TaskDefinition ApplyToTask(TaskDefinition task, int taskIndex, string method, IReadOnlyList<object?> args, out Problem? problem)
        {
            problem = null;
            switch (method)
            {
                case "Description": return task with { Description = S(args, 0) };
                case "Script": return task with { Script = task.Script.Concat(L(args, 0)).ToEquatableArray() };
                case "BeforeScript": return task with { BeforeScript = task.BeforeScript.Concat(L(args, 0)).ToEquatableArray() };
                case "AfterScript": return task with { AfterScript = task.AfterScript.Concat(L(args, 0)).ToEquatableArray() };
                case "Environment": return task with { Environment = Append(task.Environment, args) };
                case "Variable": return task with { Variables = Append(task.Variables, args) };
                case "Url": return task with { Url = S(args, 0) };
                case "Header": return task with { Headers = Append(task.Headers, args) };
                case "Query": return task with { Query = Append(task.Query, args) };
                case "Timeout": return task with { Timeout = T(args, 0) };
                case "Retry": return task with { Retry = I(args, 0) };
                case "DelayBetweenRetries": return task with { DelayBetweenRetries = T(args, 0) };
                case "Backoff" or "LinearWait" or "ExponentialWait":
                    return SecondWait(task.Backoff, method, $"Task '{task.TaskType}'", new DefinitionPointer(task.TaskType, KeyOf(method)!, null, taskIndex), ref problem)
                        ? task
                        : task with { Backoff = Wait(method, args) };
                case "RetryForever": return task with { UnlimitedRetries = true };
                case "RetryOn": return task with { RetryRules = task.RetryRules.Concat(new[] { (RetryRule)args[0]! }).ToEquatableArray() };
                case "RetryStrategy": return task with { RetryStrategy = S(args, 0) };
                case "AllowFailure": return task with { AllowFailure = B(args, 0) };
                case "AlwaysRun": return task with { AlwaysRun = B(args, 0) };
                case "AllowStartIfCompleted": return task with { AllowStartIfCompleted = B(args, 0) };
                case "Artifacts" when args[0] is ArtifactsSpec spec: return task with { Artifacts = spec };
                case "Artifacts":
                    var artifacts = task.Artifacts ?? new ArtifactsSpec(default);
                    return task with { Artifacts = artifacts with { Paths = artifacts.Paths.Concat(L(args, 0)).ToEquatableArray() } };
                case "Cache": return task with { Cache = (CacheSpec?)args[0] };
                case "Dependencies": return task with { Dependencies = task.Dependencies.Concat(L(args, 0)).ToEquatableArray() };
                case "ArtifactIds": return task with { ArtifactIds = task.ArtifactIds.Concat(L(args, 0)).ToEquatableArray() };
                case "Tags": return task with { Tags = task.Tags.Concat(L(args, 0).Select(t => t.ToLowerInvariant())).ToEquatableArray() };
                case "OnCompleted": return task with { OnCompleted = S(args, 0) };
                case "OnFailed": return task with { OnFailed = S(args, 0) };
                case "OnExit": return task with { OnExit = S(args, 0) };
                case "OnExitCode":
                    var code = args[0] is string key ? key : I(args, 0).ToString(CultureInfo.InvariantCulture);
                    var action = args[1] as ExitAction ?? ExitAction.Parse((string)args[1]!);
                    return task with { ExitCodes = task.ExitCodes.Concat(new[] { new ExitCodeRoute(code, action) }).ToEquatableArray() };
                case "WorkingDirectory": return task with { WorkingDirectory = S(args, 0) };
                case "Except": return task with { Except = S(args, 0) };
                case "ReportStdout": return task with { ReportStdout = B(args, 0) };
                case "JobVersion": return task with { JobVersion = S(args, 0) };
                case "SubWorkflow": return task with { SubWorkflow = (SubWorkflowSpec?)args[0] };
                case "FanOut": return task with { FanOut = (FanOutSpec?)args[0] };
                case "Webhook": return task with { Webhook = (WebhookSpec?)args[0] };
                case "Resources": return task with { Resources = (ResourceSpec?)args[0] };
                case "Service": return task with { Services = task.Services.Concat(new[] { (ServiceSpec)args[0]! }).ToEquatableArray() };
                case "Privileged": return task with { Privileged = B(args, 0) };
                case "HostNetwork": return task with { HostNetwork = B(args, 0) };
                case "NetworkMode": return task with { NetworkMode = S(args, 0) };
                case "HelperEnvironment": return task with { HelperEnvironment = Append(task.HelperEnvironment, args) };
                case "ArtifactsDirectory": return task with { ArtifactsDirectory = S(args, 0) };
                case "CacheDirectory": return task with { CacheDirectory = S(args, 0) };
                case "ArtifactKeyPrefix": return task with { ArtifactKeyPrefix = S(args, 0) };
                case "CostFactor": return task with { CostFactor = Convert.ToDouble(args[0], CultureInfo.InvariantCulture) };
                case "ExecuteCommandWithoutShell": return task with { ExecuteCommandWithoutShell = B(args, 0) };
                case "Debug": return task with { Debug = B(args, 0) };
                case "NodeSelector": return task with { NodeSelector = Append(task.NodeSelector, args) };
                case "PodLabel": return task with { PodLabels = Append(task.PodLabels, args) };
                case "PodAnnotation": return task with { PodAnnotations = Append(task.PodAnnotations, args) };
                case "ExecutorOption": return task with { ExecutorOptions = Append(task.ExecutorOptions, args) };

                // Executors.
                case "Container" when args[0] is ContainerSpec container: return task with { Container = container };
                case "Container": return task with { Container = (task.Container ?? new ContainerSpec(S(args, 0)!)) with { Image = S(args, 0)! } };
                case "Docker": return WithContainer(Executor(task, taskIndex, TaskMethod.Docker, ref problem), S(args, 0)!);
                case "Kubernetes": return WithContainer(Executor(task, taskIndex, TaskMethod.Kubernetes, ref problem), S(args, 0)!);
                case "Shell": return Executor(task, taskIndex, TaskMethod.Shell, ref problem);
                case "HttpGet": return Http(task, taskIndex, TaskMethod.HttpGet, args, ref problem);
                case "HttpPostForm": return Http(task, taskIndex, TaskMethod.HttpPostForm, args, ref problem);
                case "HttpPostJson": return Http(task, taskIndex, TaskMethod.HttpPostJson, args, ref problem);
                case "HttpPutForm": return Http(task, taskIndex, TaskMethod.HttpPutForm, args, ref problem);
                case "HttpPutJson": return Http(task, taskIndex, TaskMethod.HttpPutJson, args, ref problem);
                case "HttpDelete": return Http(task, taskIndex, TaskMethod.HttpDelete, args, ref problem);
                case "ForkJob": return Executor(task, taskIndex, TaskMethod.ForkJob, ref problem) with { ForkJobType = S(args, 0), ForkJobVersion = args.Count > 1 ? S(args, 1) : null };
                case "AwaitForkedJobs":
                    var awaiting = Executor(task, taskIndex, TaskMethod.AwaitForkedJob, ref problem);
                    return awaiting with { AwaitForkedTasks = awaiting.AwaitForkedTasks.Concat(L(args, 0)).ToEquatableArray() };
                case "Manual": return Executor(task, taskIndex, TaskMethod.Manual, ref problem) with { ApprovalPolicy = args.Count > 0 ? (ApprovalPolicy?)args[0] : null };
                case "Messaging": return Executor(task, taskIndex, TaskMethod.Messaging, ref problem) with { MessagingRequestQueue = S(args, 0), MessagingReplyQueue = S(args, 1) };
                case "Websocket": return Executor(task, taskIndex, TaskMethod.Websocket, ref problem);
                case "ExpireArtifacts": return Executor(task, taskIndex, TaskMethod.ExpireArtifacts, ref problem);
                case "Method": return Executor(task, taskIndex, (TaskMethod)args[0]!, ref problem);
                case "Run": return Executor(task, taskIndex, TaskMethod.InProcess, ref problem);
                default: throw new ArgumentException($"'{method}' is not a task-level DSL method.", nameof(method));
            }
        }

        /// <summary>Applies a method of the rule builder of <c>RetryOn(failure, rule => rule.Retry(10)…)</c>.</summary>
        /// <param name="rule">The rule so far.</param>
        /// <param name="taskType">The task the rule belongs to (for problem locations).</param>
        /// <param name="taskIndex">The task's position in the job.</param>
        /// <param name="method">The method's name, e.g. <c>Retry</c>.</param>
        /// <param name="args">Its arguments (optional ones included).</param>
        /// <param name="problem">Set when the call is itself a mistake (a second retry wait, WF4012).</param>
        /// <returns>The rule after the call.</returns>
        /// <exception cref="ArgumentException">The method is not a rule builder method.</exception>
        public static RetryRule ApplyToRule(RetryRule rule, string? taskType, int taskIndex, string method, IReadOnlyList<object?> args, out Problem? problem)
        {
            problem = null;
            switch (method)
            {
                case "Retry": return rule with { Retry = I(args, 0), UnlimitedRetries = false };
                case "RetryForever": return rule with { UnlimitedRetries = true };
                case "DelayBetweenRetries": return rule with { DelayBetweenRetries = T(args, 0) };
                case "Backoff" or "LinearWait" or "ExponentialWait":
                    return SecondWait(rule.Backoff, method, $"Task '{taskType}'", new DefinitionPointer(taskType, "retry_on", KeyOf(method), taskIndex), ref problem)
                        ? rule
                        : rule with { Backoff = Wait(method, args) };
                case "Fatal": return rule with { Action = RetryRuleAction.Fatal };
                case "MemoryFactor": return rule with { MemoryFactor = Convert.ToDouble(args[0], CultureInfo.InvariantCulture) };
                case "MemoryLimit": return rule with { MemoryLimit = S(args, 0) };
                case "CpuLimit": return rule with { CpuLimit = S(args, 0) };
                default: throw new ArgumentException($"'{method}' is not a retry rule method.", nameof(method));
            }
        }

        /// <summary>The criteria a factory of <c>Failure</c> names: <c>ExitCode(75)</c>, <c>ErrorCode("ERR_X")</c>, <c>Exception("System.TimeoutException")</c>, <c>Output("regex")</c>.</summary>
        /// <param name="method">The factory's name.</param>
        /// <param name="args">Its arguments (a <c>params</c> array as one array).</param>
        /// <returns>A rule holding only those criteria.</returns>
        /// <exception cref="ArgumentException">The method is not a failure factory.</exception>
        public static RetryRule Failure(string method, IReadOnlyList<object?> args)
        {
            switch (method)
            {
                case "ExitCode": return new RetryRule { ExitCodes = ((IEnumerable<int>?)args[0] ?? Array.Empty<int>()).ToEquatableArray() };
                case "ErrorCode": return new RetryRule { ErrorCodes = L(args, 0).ToEquatableArray() };
                case "Exception": return new RetryRule { Exceptions = L(args, 0).ToEquatableArray() };
                case "Output": return new RetryRule { Output = S(args, 0) };
                default: throw new ArgumentException($"'{method}' is not a failure class.", nameof(method));
            }
        }

        /// <summary>The wait <c>Backoff</c>, <c>LinearWait</c> or <c>ExponentialWait</c> sets.</summary>
        private static BackoffPolicy Wait(string method, IReadOnlyList<object?> args) => method switch
        {
            "LinearWait" => BackoffPolicy.LinearWait(T(args, 0)),
            "ExponentialWait" => BackoffPolicy.ExponentialWait(T(args, 0)),
            _ => Backoff(args),
        };

        /// <summary>
        /// True (WF4012) when a wait is set already: <c>Backoff</c>, <c>LinearWait</c> and <c>ExponentialWait</c> set the same
        /// thing, so a second one would silently replace the first. The first is kept, as YAML keeps the first of the keys.
        /// </summary>
        private static bool SecondWait(BackoffPolicy? first, string method, string subject, DefinitionPointer at, ref Problem? problem)
        {
            if (first is null)
            {
                return false;
            }

            problem = WorkflowDiagnostics.TwoRetryWaits.Create(at, subject, first.Key, KeyOf(method));
            return true;
        }

        private static TaskDefinition WithContainer(TaskDefinition task, string image) =>
            task with { Container = (task.Container ?? new ContainerSpec(image)) with { Image = image } };

        private static TaskDefinition Http(TaskDefinition task, int taskIndex, TaskMethod method, IReadOnlyList<object?> args, ref Problem? problem)
        {
            var updated = Executor(task, taskIndex, method, ref problem);
            return problem is null ? updated with { Script = updated.Script.Concat(new[] { S(args, 0)! }).ToEquatableArray() } : updated;
        }

        /// <summary>Sets the method; a second, different executor is reported (WF5002) rather than silently replacing the first.</summary>
        private static TaskDefinition Executor(TaskDefinition task, int taskIndex, TaskMethod method, ref Problem? problem)
        {
            if (task.Method is { } existing && existing != method)
            {
                problem = WorkflowDiagnostics.TwoExecutors.Create(
                    new DefinitionPointer(task.TaskType, "method", method.ToYaml(), taskIndex), task.TaskType, existing.ToYaml(), method.ToYaml());
                return task;
            }

            return task with { Method = method };
        }
    }
}

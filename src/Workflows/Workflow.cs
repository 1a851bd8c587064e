using System.Reflection;
using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// Base class of a workflow written in C#. Derive, mark with <see cref="WorkflowAttribute"/>, and describe the job
/// in <see cref="Define"/> with the fluent <see cref="JobBuilder"/>.
/// </summary>
/// <example>
/// <code>
/// [Workflow("hello")]
/// public sealed partial class Hello : Workflow
/// {
///     protected override void Define(JobBuilder job) => job
///         .Task("greet").Shell().Script("echo hello");
/// }
/// </code>
/// </example>
public abstract class Workflow
{
    private readonly Lazy<BuiltWorkflow> _built;

    /// <summary>Initialises the workflow; the definition is built on first use.</summary>
    protected Workflow()
    {
        _built = new Lazy<BuiltWorkflow>(() =>
        {
            // Compiled by the source generator at build time: no builder code runs, unless C# tasks need their delegates.
            if (Compiled is { } compiled && !compiled.Tasks.Any(t => t.Method == TaskMethod.InProcess))
            {
                return new BuiltWorkflow(compiled, Templates.DefinitionChecks.Validate(compiled), new Dictionary<string, TaskHandler>());
            }

            var jobType = JobTypeOverride ?? GetType().GetCustomAttribute<WorkflowAttribute>()?.JobType ?? string.Empty;
            var builder = new JobBuilder(jobType);
            Define(builder);
            return builder.Build();
        });
    }

    /// <summary>The validated definition. Throws <see cref="InvalidWorkflowDefinitionException"/> listing every error.</summary>
    public JobDefinition Definition => _built.Value.Definition;

    /// <summary>The warnings and infos the validator found (errors throw instead).</summary>
    public IReadOnlyList<Problem> Warnings => _built.Value.Warnings;

    /// <summary>The in-process C# tasks (<see cref="TaskBuilder.Run(Func{TaskContext, CancellationToken, ValueTask{int}})"/>) by task name.</summary>
    public IReadOnlyDictionary<string, TaskHandler> Handlers => _built.Value.Handlers;

    /// <summary>
    /// The definition the source generator compiled from <see cref="Define"/> at build time (already validated), or
    /// null when it could not (the class is not partial, or Define uses values only known at run time).
    /// </summary>
    protected virtual JobDefinition? Compiled => null;

    /// <summary>The job type when it does not come from <see cref="WorkflowAttribute"/>.</summary>
    private protected virtual string? JobTypeOverride => null;

    /// <summary>Creates a workflow from a delegate, without a class (scripts, tests, dynamic definitions).</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="define">Describes the job.</param>
    public static Workflow Create(string jobType, Action<JobBuilder> define) => new DelegateWorkflow(jobType, define);

    /// <summary>Describes the job: job-level settings first, then <c>.Task("name")</c> with each task's settings.</summary>
    /// <param name="job">The builder for this job; single-use.</param>
    protected abstract void Define(JobBuilder job);

    private sealed class DelegateWorkflow(string jobType, Action<JobBuilder> define) : Workflow
    {
        private protected override string? JobTypeOverride => jobType;

        protected override void Define(JobBuilder job) => define(job);
    }
}

/// <summary>A built workflow: its definition, the validator's warnings and the in-process handlers.</summary>
/// <param name="Definition">The validated definition.</param>
/// <param name="Warnings">Warnings and infos.</param>
/// <param name="Handlers">In-process task handlers by task name.</param>
public sealed record BuiltWorkflow(JobDefinition Definition, IReadOnlyList<Problem> Warnings, IReadOnlyDictionary<string, TaskHandler> Handlers);

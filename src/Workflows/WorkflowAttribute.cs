namespace Workflows;

/// <summary>Marks a <see cref="Workflow"/> class and names its job type.</summary>
/// <param name="jobType">The job type, unique per installation, e.g. <c>retry-job</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowAttribute(string jobType) : Attribute
{
    /// <summary>The job type.</summary>
    public string JobType { get; } = jobType;
}

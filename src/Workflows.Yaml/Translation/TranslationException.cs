namespace Workflows.Yaml.Translation;

/// <summary>
/// Thrown by <see cref="CSharpTranslator.Translate"/> when a definition holds a combination the fluent DSL cannot
/// build (e.g. <c>fork_job_type</c> on a task whose method is not FORK_JOB): rather than emit C# that means something
/// else, the translation stops and names every such key.
/// </summary>
public sealed class TranslationException : Exception
{
    /// <summary>Creates the exception for the job and the reasons.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="reasons">One sentence per key that cannot be expressed.</param>
    public TranslationException(string jobType, IReadOnlyList<string> reasons)
        : base($"Job '{jobType}' cannot be translated exactly into the C# DSL: " + string.Join(" ", reasons))
    {
        JobType = jobType;
        Reasons = reasons;
    }

    /// <summary>The job type.</summary>
    public string JobType { get; }

    /// <summary>One sentence per key that cannot be expressed.</summary>
    public IReadOnlyList<string> Reasons { get; }
}

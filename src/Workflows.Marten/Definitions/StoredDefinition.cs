using Workflows.Definitions;

namespace Workflows.Marten.Definitions;

/// <summary>One version of a job definition uploaded to the store (YAML or JSON); jobs pin the version they start with.</summary>
public sealed record StoredDefinition
{
    /// <summary>The document id, <c>{job_type}@{version}</c>.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The job type.</summary>
    public string JobType { get; init; } = string.Empty;

    /// <summary>The version, from 1; each upload with different content adds one.</summary>
    public int Version { get; init; }

    /// <summary>The validated definition.</summary>
    public JobDefinition Definition { get; init; } = null!;

    /// <summary>The text that was uploaded (YAML or JSON), kept as given.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>SHA-256 of <see cref="Source"/>: an upload of the same text is the same version.</summary>
    public string Sha256 { get; init; } = string.Empty;

    /// <summary>When it was stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who stored it (the API token's name).</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The document id of a version.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="version">The version.</param>
    public static string IdOf(string jobType, int version) => $"{jobType}@{version}";
}

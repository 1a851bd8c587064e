namespace Workflows.Marten.Definitions;

/// <summary>A job type in the definition store: its latest version and whether new jobs may be submitted.</summary>
public sealed record DefinitionType
{
    /// <summary>The job type (the document id).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The latest version.</summary>
    public int LatestVersion { get; init; }

    /// <summary>True when submitting new jobs of this type is refused (running jobs go on).</summary>
    public bool Disabled { get; init; }

    /// <summary>When the latest version was stored.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

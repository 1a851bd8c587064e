namespace Workflows.Api.Contracts;

/// <summary>A job type the host knows: uploaded (with versions) or compiled into the host.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Source"><c>stored</c> (uploaded YAML/JSON) or <c>compiled</c> (a C# workflow of this host).</param>
/// <param name="LatestVersion">The latest stored version (null for a compiled workflow).</param>
/// <param name="Disabled">True when new jobs are refused.</param>
public sealed record DefinitionSummaryDto(string JobType, string Source, int? LatestVersion, bool Disabled);

/// <summary>One version of a stored definition.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Version">The version, from 1.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="CreatedBy">Who stored it.</param>
/// <param name="Sha256">SHA-256 of the uploaded text.</param>
/// <param name="Tasks">The task names, in order.</param>
public sealed record DefinitionVersionDto(string JobType, int Version, DateTimeOffset CreatedAt, string? CreatedBy, string Sha256, IReadOnlyList<string> Tasks)
{
    /// <summary>The uploaded text (only when one version is asked for).</summary>
    public string? Source { get; init; }
}

/// <summary>A definition with its version history.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Source"><c>stored</c> or <c>compiled</c>.</param>
/// <param name="Disabled">True when new jobs are refused.</param>
/// <param name="Latest">The latest version.</param>
/// <param name="Versions">Every version, oldest first.</param>
public sealed record DefinitionDto(string JobType, string Source, bool Disabled, DefinitionVersionDto? Latest, IReadOnlyList<DefinitionVersionDto> Versions)
{
    /// <summary>True when this upload added a version; false when the same text was stored already.</summary>
    public bool? Created { get; init; }

    /// <summary>Warnings and infos of the upload (an upload with errors is refused).</summary>
    public IReadOnlyList<DiagnosticDto>? Diagnostics { get; init; }

    /// <summary>What this host's execution policy refuses to run in the uploaded definition (e.g. SHELL when it is off): stored anyway, since another host may run it.</summary>
    public IReadOnlyList<string>? HostWarnings { get; init; }
}

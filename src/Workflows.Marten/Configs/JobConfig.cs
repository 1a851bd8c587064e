namespace Workflows.Marten.Configs;

/// <summary>
/// A named value every job of one type sees as a template variable (formicary's job configs), e.g. an endpoint or an
/// API key. A secret one is never served back by the API and is masked in task logs.
/// </summary>
public sealed record JobConfig
{
    /// <summary>The document id: <c>{JobType}:{Name}</c>.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The job type it belongs to.</summary>
    public string JobType { get; init; } = string.Empty;

    /// <summary>The variable's name (a template identifier: letters, digits, underscores).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The value, as stored in the database (protect the database as you protect the secrets in it).</summary>
    public string Value { get; init; } = string.Empty;

    /// <summary>True: the API shows no value, logs mask it, HTTP bodies and forked jobs leave it out.</summary>
    public bool Secret { get; init; }

    /// <summary>When it was set last.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who set it last (the API token's name), if known.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>The document id of a job type's config.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="name">The config's name.</param>
    public static string IdOf(string jobType, string name) => jobType + ":" + name;
}

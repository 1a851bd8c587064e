namespace Workflows.Api.Contracts;

/// <summary>The body of <c>PUT /api/jobs/definitions/{jobType}/configs/{name}</c>.</summary>
/// <param name="Value">The value (required).</param>
/// <param name="Secret">True: never served back, masked in task logs, kept out of HTTP bodies and forked jobs.</param>
public sealed record ConfigBody(string? Value, bool Secret = false);

/// <summary>A config every job of a type sees as a template variable (a secret's value is never shown).</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Name">The variable's name.</param>
/// <param name="Value">The value; null for a secret.</param>
/// <param name="Secret">True for a secret.</param>
/// <param name="Scope"><c>job</c> (this job type's config) or <c>host</c> (a secret of the host's configuration, <c>Workflows:Secrets</c>; a job config of the same name wins).</param>
/// <param name="UpdatedAt">When a job config was set last.</param>
/// <param name="UpdatedBy">Who set it last.</param>
public sealed record ConfigDto(string JobType, string Name, string? Value, bool Secret, string Scope, DateTimeOffset? UpdatedAt, string? UpdatedBy);

namespace Workflows.Api.Contracts;

/// <summary>An event posted to a webhook trigger, as the endpoint read it.</summary>
/// <param name="Body">The raw body (the HMAC is computed over these bytes).</param>
/// <param name="Headers">The request's headers, first value each, by formicary's (Go's) canonical name: <c>X-Github-Event</c>.</param>
/// <param name="Query">The query string's parameters, first value each.</param>
public sealed record TriggerEvent(byte[] Body, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> Query);

/// <summary>What a webhook trigger did with an event (202 in every case, as formicary answers).</summary>
public sealed record TriggerResultDto
{
    /// <summary>The job the event submitted; for a duplicate, the job its dedup key submitted before (null while that one is being submitted); null when filtered.</summary>
    public string? RequestId { get; init; }

    /// <summary>True when no job was submitted because of the trigger's <c>filter</c> or <c>rate_limit</c>.</summary>
    public bool Filtered { get; init; }

    /// <summary>Why no new job was submitted: <c>filter</c> (the filter did not render <c>true</c>), <c>rate_limit</c> (the window's limit is used up) or <c>duplicate</c> (the dedup key was used before); null when a job was submitted.</summary>
    public string? Reason { get; init; }

    /// <summary>True when the event's dedup key had submitted a job already (no new job).</summary>
    public bool Deduplicated { get; init; }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Workflows.Runtime;

namespace Workflows.Dashboard.Reading;

/// <summary>
/// The Jobs page's filter, read from and written to its query string: state, type, submitter, creation time window,
/// text in the params, and a keyset cursor (the last row's creation time and id) for the next page.
/// </summary>
internal sealed record JobFilter
{
    public JobStatus? Status { get; init; }

    public string? JobType { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Text { get; init; }

    /// <summary>Rows strictly after this one in the order (newest first): its creation time.</summary>
    public DateTimeOffset? AfterCreated { get; init; }

    /// <summary>With <see cref="AfterCreated"/>: its id (ties on the time are ordered by id).</summary>
    public string? AfterId { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>The filter of a query string, or an error naming the bad value and what is accepted.</summary>
    public static (JobFilter? Filter, string? Error) Parse(IQueryCollection query)
    {
        var filter = new JobFilter
        {
            JobType = Get(query, "type"),
            SubmittedBy = Get(query, "by"),
            Text = Get(query, "q"),
            AfterId = Get(query, "after_id"),
        };
        if (Get(query, "status") is { } status)
        {
            if (!Enum.TryParse<JobStatus>(status.Replace("_", string.Empty, StringComparison.Ordinal), true, out var parsed) || parsed == JobStatus.None || int.TryParse(status, out _))
            {
                return (null, $"state '{status}' is not a job state; use one of queued, running, paused, awaiting_approval, ending, cancelling, completed, failed, cancelled.");
            }

            filter = filter with { Status = parsed };
        }

        foreach (var name in new[] { "from", "to", "after" })
        {
            if (Get(query, name) is not { } text)
            {
                continue;
            }

            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return (null, $"{name} '{text}' is not a time; use ISO 8601, e.g. 2026-12-07T10:00 (UTC).");
            }

            filter = name switch
            {
                "from" => filter with { From = time },
                "to" => filter with { To = time },
                _ => filter with { AfterCreated = time },
            };
        }

        if (Get(query, "limit") is { } limit)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 500)
            {
                return (null, $"limit '{limit}' must be a whole number from 1 to 500.");
            }

            filter = filter with { Limit = n };
        }

        return (filter, null);
    }

    /// <summary>The query string of this filter (without the cursor unless asked), for links and the live feed.</summary>
    public string ToQuery(bool withCursor = false)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("status", Status is { } s ? Rendering.Html.Word(s) : null);
        Add("type", JobType);
        Add("by", SubmittedBy);
        Add("from", From?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        Add("q", Text);
        if (Limit != 50)
        {
            Add("limit", Limit.ToString(CultureInfo.InvariantCulture));
        }

        if (withCursor)
        {
            Add("after", AfterCreated?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            Add("after_id", AfterId);
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join("&", parts);
    }

    private static string? Get(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text.Trim() : null;
}

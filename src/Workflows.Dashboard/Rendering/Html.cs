using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace Workflows.Dashboard.Rendering;

/// <summary>Encoding and formatting for the server-rendered pages: every value that is not the page's own markup goes through <see cref="E"/>.</summary>
internal static class Html
{
    /// <summary>Text encoded for HTML content and attribute values.</summary>
    public static string E(string? text) => text is null ? string.Empty : HtmlEncoder.Default.Encode(text);

    /// <summary>A value for a URL's path segment or query value.</summary>
    public static string U(string? text) => Uri.EscapeDataString(text ?? string.Empty);

    /// <summary>A time as people read it in the dashboard (UTC, seconds).</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    /// <summary>A time with its ISO value as the title (hover shows the precise value).</summary>
    public static string TimeTag(DateTimeOffset? at) => at is { } t
        ? $"<time datetime=\"{t.UtcDateTime:O}\">{Time(t)}</time>"
        : "—";

    /// <summary>A duration in the shortest readable form.</summary>
    public static string Duration(DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is not { } f || to is not { } t)
        {
            return "—";
        }

        var d = t - f;
        return d.TotalSeconds < 60 ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : d.TotalMinutes < 60 ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
            : $"{(int)d.TotalHours} h {d.Minutes} min";
    }

    /// <summary>A state's word in snake case, as the API writes it (e.g. <c>awaiting_approval</c>).</summary>
    public static string Word(Enum state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>A state badge.</summary>
    public static string Badge(Enum state) => $"<span class=\"badge s-{Word(state)}\">{Word(state)}</span>";

    /// <summary>A number for people.</summary>
    public static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Writes a complete HTML answer.</summary>
    public static IResult Page(string html, int status = 200) => Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}

namespace Workflows.Yaml;

/// <summary>The result of translating one Go template to Scriban.</summary>
/// <param name="Scriban">The Scriban text; null when any construct could not be translated.</param>
/// <param name="Errors">Every construct that could not be translated, in source order; empty on success.</param>
public sealed record TemplateTranslation(string? Scriban, IReadOnlyList<TemplateTranslationError> Errors)
{
    /// <summary>True when the whole template was translated (and the result parses as Scriban).</summary>
    public bool Succeeded => Scriban is not null && Errors.Count == 0;
}

/// <summary>A Go template construct that has no faithful Scriban translation, or a Go syntax error.</summary>
/// <param name="Offset">Where the construct's action (<c>{{</c>) starts in the Go template, 0-based.</param>
/// <param name="Construct">The construct as written, e.g. <c>{{ template "x" }}</c>.</param>
/// <param name="Reason">Why it cannot be translated, naming the construct.</param>
/// <param name="IsSyntaxError">
/// True when the template does not parse as a Go template at all (an unclosed action or block, a stray <c>end</c>, an
/// unterminated string): the loader reports it as a template syntax error (WF3001), as the C# side does for Scriban;
/// false for a valid Go construct that has no Scriban translation (WF4006).
/// </param>
public sealed record TemplateTranslationError(int Offset, string Construct, string Reason, bool IsSyntaxError = false)
{
    /// <summary>The reason followed by the construct, e.g. <c>named templates are not supported ('{{ template "x" }}')</c>.</summary>
    public override string ToString() => $"{Reason} ('{Construct}')";
}

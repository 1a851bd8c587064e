namespace Workflows.Api.Contracts;

/// <summary>Every error the API answers: what is wrong and how to fix it, and for a definition every diagnostic.</summary>
/// <param name="Error">The message: the problem and the fix.</param>
/// <param name="Code">A stable code, e.g. <c>invalid_definition</c>, <c>unauthorized</c>, <c>body_too_large</c>.</param>
public sealed record ApiError(string Error, string Code)
{
    /// <summary>Each problem of an invalid definition, with its location.</summary>
    public IReadOnlyList<DiagnosticDto>? Diagnostics { get; init; }
}

/// <summary>One problem of a definition, as the compiler and <c>workflows validate</c> report it.</summary>
/// <param name="Id">The stable diagnostic id, e.g. <c>WF0101</c>.</param>
/// <param name="Severity">error, warning or info.</param>
/// <param name="Message">What is wrong and the fix.</param>
/// <param name="Line">1-based line in the uploaded text (0 when unknown).</param>
/// <param name="Col">1-based column (0 when unknown).</param>
public sealed record DiagnosticDto(string Id, string Severity, string Message, int Line, int Col);

using System.Globalization;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;

namespace Workflows.Host.Output;

/// <summary>Plain, stable text for the command line: errors as the API words them, diagnostics in the compiler's format.</summary>
internal static class Printer
{
    public static int Fail<T>(ApiResult<T> result, TextWriter error, string? file = null)
    {
        var problem = result.Error!;
        foreach (var d in problem.Diagnostics ?? [])
        {
            error.WriteLine($"{file ?? "<definition>"}({d.Line},{d.Col}): {d.Severity} {d.Id}: {d.Message}");
        }

        error.WriteLine($"error: {problem.Error}{(result.Status > 0 ? $" (HTTP {result.Status}, {problem.Code})" : string.Empty)}");
        return 1;
    }

    public static string State<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static string Time(DateTimeOffset? time) => time?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    public static string Code(int? code) => code?.ToString(CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The job's end line: <c>job ID completed</c>, <c>job ID failed ERR_XYZ (task 'x')</c>.</summary>
    public static string Ending(JobDto job) =>
        $"job {job.Id} {State(job.Status)}{(job.ErrorCode is { } code ? " " + code : string.Empty)}{(job.FailedTask is { } task ? $" (task '{task}')" : string.Empty)}";

    public static void Table(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }
}

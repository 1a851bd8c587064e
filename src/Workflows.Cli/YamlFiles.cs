using System.Diagnostics.CodeAnalysis;

namespace Workflows.Cli;

/// <summary>Reading files and wording counts, shared by the commands.</summary>
internal static class YamlFiles
{
    /// <summary>Reads a file; on failure writes <c>path: error: …</c> and returns false.</summary>
    public static bool TryRead(string path, TextWriter error, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{path}: error: cannot read the file: {e.Message}");
            text = null;
            return false;
        }
    }

    /// <summary><c>1 error</c>, <c>2 errors</c>.</summary>
    public static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}

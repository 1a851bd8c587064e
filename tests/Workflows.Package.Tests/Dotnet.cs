using System.Diagnostics;

namespace Workflows.Package.Tests;

/// <summary>Runs the dotnet CLI in a clean environment (no MSBuild settings inherited from the test host).</summary>
internal static class Dotnet
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args) => RunWith(null, workingDirectory, args);

    /// <summary>Runs with extra environment variables (e.g. DOTNET_CLI_HOME for a template hive of its own, NUGET_PACKAGES).</summary>
    public static (int ExitCode, string Output) RunWith(IReadOnlyDictionary<string, string>? environment, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 10 minutes:\n{output}");
        }

        return (process.ExitCode, output + error.Result);
    }
}

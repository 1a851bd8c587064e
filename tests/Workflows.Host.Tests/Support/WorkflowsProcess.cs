using System.Diagnostics;
using System.Reflection;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Support;

/// <summary>The built <c>workflows</c> executable run as a process, configured through its environment like a user's shell.</summary>
internal sealed class WorkflowsProcess(ITestOutputHelper log, IReadOnlyDictionary<string, string> environment)
{
    public static string Executable => Built("WorkflowsHost");

    /// <summary>The sample app with compiled workflows (samples/Workflows.Samples).</summary>
    public static string Samples => Built("WorkflowsSamples");

    private static string Built(string key) => typeof(WorkflowsProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The environment that points the command at a schema of the test PostgreSQL (as ConnectionStrings__Workflows would).</summary>
    public static Dictionary<string, string> Environment(string schema, string data) => new()
    {
        ["ConnectionStrings__Workflows"] = TestInfrastructure.PostgresConnectionString,
        ["Workflows__Schema"] = schema,
        ["Workflows__DataDirectory"] = data,
        ["Workflows__PollInterval"] = "00:00:00.050",
        ["Workflows__DockerEndpoint"] = TestInfrastructure.DockerEndpoint.ToString(),
        ["Workflows__ImageFallbacks__alpine"] = TestInfrastructure.TestImage,
        ["Workflows__Execution__AllowShell"] = "true",
    };

    public ProcessStartInfo StartInfo(string workingDirectory, params string[] args) => StartInfoOf(Executable, workingDirectory, args);

    public ProcessStartInfo StartInfoOf(string executable, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(executable);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment.Remove("WORKFLOWS_SERVER");
        start.Environment.Remove("WORKFLOWS_TOKEN");
        return start;
    }

    public Task<(int ExitCode, string Out, string Err)> RunAsync(string workingDirectory, params string[] args) => RunWithInputAsync(workingDirectory, null, args);

    /// <summary>Runs the command with <paramref name="input"/> on its standard input (null: none, closed at once).</summary>
    public async Task<(int ExitCode, string Out, string Err)> RunWithInputAsync(string workingDirectory, string? input, params string[] args)
    {
        var start = StartInfo(workingDirectory, args);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workflows {string.Join(' ', args)} did not exit within 2 minutes");
        }

        var result = (process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
        log.WriteLine($"$ workflows {string.Join(' ', args)}\n[exit {result.ExitCode}]\n--- stdout\n{result.Item2}--- stderr\n{result.Item3}");
        return result;
    }
}

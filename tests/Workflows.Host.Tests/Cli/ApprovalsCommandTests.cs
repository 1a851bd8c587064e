using System.Diagnostics;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary><c>workflows approvals list|approve|reject</c> against a served host, each vote as its token's owner.</summary>
public sealed class ApprovalsCommandTests : IAsyncLifetime
{
    private const string Release = """
        job_type: release
        tasks:
        - task_type: stage
          method: SHELL
          script: [echo staged]
          on_completed: sign-off
        - task_type: sign-off
          method: MANUAL
          approval_policy:
            min_approvals: 2
            allowed_users: [carol, dave]
          on_exit_code:
            APPROVED: production
            REJECTED: rollback
        - task_type: production
          method: SHELL
          script: [echo shipped]
        - task_type: rollback
          method: SHELL
          script: [echo rolled back]
        """;

    private readonly string _schema = $"wf_cli_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-approvals-cli-").FullName;
    private readonly WorkflowsProcess _workflows;

    public ApprovalsCommandTests(ITestOutputHelper log)
    {
        // The host (root here) runs SHELL tasks as 'nobody', who must pass through the temp folder to the work folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));
        File.WriteAllText(Path.Combine(_dir, "release.yaml"), Release);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(_dir, args);

    private async Task<string> TokenAsync(string name, string scopes)
    {
        var (exit, stdout, stderr) = await Run("tokens", "create", name, "--scope", scopes);
        Assert.True(exit == 0, stderr);
        return stdout.TrimEnd('\n').Split('\n')[^1];
    }

    [Fact]
    public async Task Two_approvers_approve_over_the_command_line_and_a_third_token_is_refused()
    {
        var carol = await TokenAsync("carol", "read,submit,define,approve");
        var dave = await TokenAsync("dave", "read,approve");
        var mallory = await TokenAsync("mallory", "read,approve");

        using var server = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var url = await ReadAddressAsync(server);
            var (exit, stdout, stderr) = await Run("run", "release.yaml", "--server", url, "--token", carol);
            Assert.True(exit == 0, stderr);
            var id = System.Text.RegularExpressions.Regex.Match(stdout, "submitted job ([0-9a-f]{32})").Groups[1].Value;

            var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            do
            {
                (exit, stdout, _) = await Run("approvals", "list", "--server", url, "--token", dave);
                Assert.Equal(0, exit);
            }
            while (!stdout.Contains(id, StringComparison.Ordinal) && DateTime.UtcNow < until && await Task.Delay(100).ContinueWith(_ => true));
            Assert.Matches($"{id} +release +sign-off +0/2 +0 ", stdout);

            (exit, _, stderr) = await Run("approvals", "approve", id, "--server", url, "--token", mallory);
            Assert.Equal(1, exit);
            Assert.Contains("'mallory' may not vote on task 'sign-off'", stderr, StringComparison.Ordinal);
            Assert.Contains("(HTTP 403, forbidden)", stderr, StringComparison.Ordinal);

            (exit, _, stderr) = await Run("approvals", "reject", id, "--server", url, "--token", carol);
            Assert.Equal(1, exit);
            Assert.Contains("comment_required", stderr, StringComparison.Ordinal);

            (exit, stdout, _) = await Run("approvals", "approve", id, "--comment", "staging is green", "--server", url, "--token", carol);
            Assert.Equal(0, exit);
            Assert.Equal($"approved 'sign-off' of job {id}: awaiting approval (1 of 2 approvals, 0 rejections)\n", stdout);

            (exit, stdout, _) = await Run("approvals", "approve", id, "--server", url, "--token", dave);
            Assert.Equal(0, exit);
            Assert.Equal($"approved 'sign-off' of job {id}: approved (2 of 2 approvals, 0 rejections)\n", stdout);

            do
            {
                (exit, stdout, _) = await Run("jobs", "show", id, "--server", url, "--token", dave);
            }
            while (!stdout.Contains("): completed", StringComparison.Ordinal) && DateTime.UtcNow < until && await Task.Delay(100).ContinueWith(_ => true));
            Assert.Contains("production", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("rollback", stdout, StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>The served host prints `workflows: listening on URL` once it listens (bounded wait).</summary>
    private static async Task<string> ReadAddressAsync(Process server, string prefix = "workflows: listening on ")
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await server.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                _ = server.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = server.StandardError.ReadToEndAsync(CancellationToken.None);
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException("workflows serve ended without listening: " + await server.StandardError.ReadToEndAsync(CancellationToken.None));
    }
}

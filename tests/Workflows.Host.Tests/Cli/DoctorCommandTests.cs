using System.Text.Json;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary><c>workflows doctor</c> as a process: healthy after real jobs, a hand-made corruption reported by name, exit codes.</summary>
public sealed class DoctorCommandTests : IAsyncLifetime
{
    private readonly string _schema = $"wf_doctor_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-doctor-").FullName;
    private readonly WorkflowsProcess _workflows;

    public DoctorCommandTests(ITestOutputHelper log)
    {
        // The host (root here) runs SHELL tasks as 'nobody', who must pass through the temp folder to the work folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));
        File.WriteAllText(Path.Combine(_dir, "twice.yaml"), """
            job_type: doctor-twice
            tasks:
            - task_type: first
              method: SHELL
              script:
                - exit {{ if lt .TaskRetry 1 }}1{{ else }}0{{ end }}
              retry: 1
              on_completed: second
            - task_type: second
              method: SHELL
              script:
                - echo done
            """);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(_dir, args);

    [Fact]
    public async Task Doctor_exits_0_on_a_healthy_store_and_1_naming_the_job_and_the_invariant_once_a_row_is_corrupted()
    {
        var (exit, stdout, _) = await Run("run", "twice.yaml", "--wait");
        Assert.Equal(0, exit);
        var job = stdout.TrimEnd('\n').Split('\n')[^1].Split(' ')[1];
        Assert.Equal(0, (await Run("run", "twice.yaml")).ExitCode); // queued: no worker runs it

        (exit, stdout, _) = await Run("doctor");
        Assert.Equal(0, exit);
        Assert.StartsWith($"schema {_schema}: 2 jobs (1 not finished), ", stdout, StringComparison.Ordinal);
        Assert.Contains("healthy: every invariant holds (ended-once, attempt-once,", stdout, StringComparison.Ordinal);

        // A due row left behind for the completed job (as a write outside its transaction would leave it).
        await SqlAsync($"insert into {_schema}.wf_due_tasks (job_id, kind, task_type, attempt, due_at, priority, queue, job_type) values ('{job}', 'attempt', 'second', 1, now(), 0, '', 'doctor-twice')");
        (exit, stdout, _) = await Run("doctor");
        Assert.Equal(1, exit);
        Assert.Contains("1 violation(s):\ndue-rows: ", stdout, StringComparison.Ordinal);
        Assert.Contains($"  job {job}: the job is Completed but has due row(s) it does not wait for: attempt second #1", stdout, StringComparison.Ordinal);
        Assert.Contains("  what to do: ", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("doctor", "--json");
        Assert.Equal(1, exit);
        using var report = JsonDocument.Parse(stdout);
        Assert.False(report.RootElement.GetProperty("healthy").GetBoolean());
        var violation = Assert.Single(report.RootElement.GetProperty("violations").EnumerateArray());
        Assert.Equal((job, "due-rows"), (violation.GetProperty("jobId").GetString(), violation.GetProperty("invariant").GetString()));
    }

    [Fact]
    public async Task Doctor_on_a_schema_without_a_store_says_so_and_exits_2()
    {
        var (exit, _, stderr) = await Run("doctor", "--schema", _schema + "_none", "--connection", TestInfrastructure.PostgresConnectionString);
        Assert.Equal(2, exit);
        Assert.Contains($"the database has no Workflows store in schema '{_schema}_none'", stderr, StringComparison.Ordinal);
    }

    private static async Task SqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

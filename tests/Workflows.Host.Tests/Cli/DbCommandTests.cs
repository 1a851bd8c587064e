using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Host.Tests.Support;
using Workflows.Hosting.Embedded;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary><c>workflows db status|start|stop</c> as a user runs them, on a real embedded PostgreSQL in a throwaway data folder.</summary>
public sealed class DbCommandTests : IAsyncLifetime
{
    // Short, so the Unix socket path stays under its 107-byte limit.
    private readonly string _data = Path.Combine(Path.GetTempPath(), "wf-db-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly WorkflowsProcess _workflows;

    public DbCommandTests(ITestOutputHelper log)
    {
        // No ConnectionStrings__Workflows: the configuration of a host on the embedded default.
        _workflows = new WorkflowsProcess(log, new Dictionary<string, string> { ["Workflows__DataDirectory"] = _data });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Directory.Exists(_data))
        {
            await EmbeddedPostgres.StopAsync(_data, NullLogger.Instance);
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task Db_status_start_and_stop_report_start_and_stop_the_embedded_server_of_the_configured_data_folder()
    {
        var (exit, stdout, _) = await Run("db", "status");
        Assert.Equal(0, exit);
        Assert.Equal(
            $"embedded PostgreSQL: not running\n  data folder: {_data}\n  cluster:     none yet (made by the first start)\n" +
            "A host starts it when it needs it (`workflows serve`); `workflows db start` starts it alone.\n",
            stdout);

        (exit, stdout, _) = await Run("db", "start");
        Assert.Equal(0, exit);
        var pid = PostmasterPid();
        var where =
            $"embedded PostgreSQL: running (pid {pid})\n" +
            $"  data folder: {_data}\n" +
            $"  socket:      {_data}/run/.s.PGSQL.5433 (Unix socket only; no TCP, no password)\n" +
            $"  connect:     Host={_data}/run;Port=5433;Username=postgres;Database=workflows\n" +
            $"  log:         {_data}/pg.log\n";
        Assert.Equal(where + "It keeps running after this command; stop it with `workflows db stop` (same configuration).\n", stdout);

        (exit, stdout, _) = await Run("db", "status");
        Assert.Equal((0, where + "It keeps running after hosts exit; stop it with `workflows db stop` (same configuration).\n"), (exit, stdout));

        (exit, stdout, _) = await Run("db", "stop");
        Assert.Equal((0, $"stopped the embedded PostgreSQL in {_data} (pid {pid})\n"), (exit, stdout));
        Assert.False(File.Exists(Path.Combine(_data, "pg", "postmaster.pid")));

        (exit, stdout, _) = await Run("db", "status");
        Assert.Equal(0, exit);
        Assert.StartsWith($"embedded PostgreSQL: not running\n  data folder: {_data}\n  cluster:     {_data}/pg\n", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("db", "stop");
        Assert.Equal((0, $"the embedded PostgreSQL in {_data} is not running; nothing to stop\n"), (exit, stdout));
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(Path.GetTempPath(), args);

    private string PostmasterPid() => File.ReadLines(Path.Combine(_data, "pg", "postmaster.pid")).First();
}

using System.Text;
using Marten;
using Workflows.Host.Tests.Support;
using Workflows.Marten;
using Workflows.Marten.Artifacts;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary><c>workflows caches list</c> on the local database: the caches the artifact store keeps in the data folder.</summary>
public sealed class CachesCommandTests : IAsyncLifetime
{
    private readonly string _schema = $"wf_cli_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-caches-cli-").FullName;
    private readonly WorkflowsProcess _workflows;

    public CachesCommandTests(ITestOutputHelper log) =>
        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Caches_list_shows_each_job_types_caches_and_filters_by_job_type()
    {
        var (exit, stdout, stderr) = await _workflows.RunAsync(_dir, "caches", "list"); // also creates the schema
        Assert.True(exit == 0, stderr);
        Assert.Equal("TYPE  KEY  SIZE  SHA256  SAVED  EXPIRES  BY", stdout.TrimEnd('\n').Trim());

        using (var documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema)))
        {
            var store = new FileArtifactStore(documents, Path.Combine(_dir, "data", "artifacts"), TimeProvider.System);
            await store.SaveAsync("node-build", "deps-v1", "build", "job-1", new MemoryStream(Encoding.UTF8.GetBytes("archive")), TimeSpan.FromDays(30), default);
            await store.SaveAsync("go-build", "vendor", "build", "job-2", new MemoryStream(Encoding.UTF8.GetBytes("other")), TimeSpan.FromDays(30), default);
        }

        (exit, stdout, _) = await _workflows.RunAsync(_dir, "caches", "list");
        Assert.Equal(0, exit);
        Assert.Matches("go-build +vendor +5 +[0-9a-f]{12} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +build of job-2\n", stdout);
        Assert.Matches("node-build +deps-v1 +7 +", stdout);

        (exit, stdout, _) = await _workflows.RunAsync(_dir, "caches", "list", "--job-type", "node-build");
        Assert.Equal(0, exit);
        Assert.Contains("deps-v1", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("go-build", stdout, StringComparison.Ordinal);
    }
}

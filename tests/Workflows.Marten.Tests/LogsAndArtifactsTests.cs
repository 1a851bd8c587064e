using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Executors.Logs;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Logs;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

public sealed class LogsAndArtifactsTests : IAsyncLifetime
{
    private readonly string _schema = "wf_logs_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), "wf-blobs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;

    public LogsAndArtifactsTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Fact]
    public async Task A_log_is_bounded_masks_secrets_says_what_it_cut_and_a_resumed_attempt_appends_after_it()
    {
        var logs = new TaskLogs(_documents, _clock) { MaxBytesPerAttempt = 40 };
        await using (var log = await logs.OpenAsync("job-1", "build", 1, ["hunter2"], resume: false, default))
        {
            log.Write(LogSource.Stdout, "password is hunter2");
            log.Write(LogSource.Stderr, "0123456789");
            log.Write(LogSource.Stdout, "this line is over the limit");
            log.Write(LogSource.Stdout, "and so is this one");
        }

        await using (var rerun = await logs.OpenAsync("job-1", "build", 1, [], resume: true, default))
        {
            rerun.Write(LogSource.System, "taken over");
        }

        var lines = await logs.ReadAsync("job-1", "build");
        Assert.Equal(
            ["0 Stdout password is ***", "1 Stderr 0123456789", "2 System log truncated: 2 more lines (47 bytes) over the 40-byte limit per attempt", "3 System taken over"],
            lines.Select(l => $"{l.Sequence} {l.Source} {l.Line}"));
    }

    [Fact]
    public async Task Artifacts_are_stored_once_per_content_and_the_latest_attempt_of_a_name_wins()
    {
        await new JobStore(_documents, _clock).EnsureSchemaAsync();
        var store = new FileArtifactStore(_documents, _blobs, _clock);
        await store.SaveAsync("job-1", "build", 1, "out.txt", Text("first"), null, default);
        var second = await store.SaveAsync("job-1", "build", 2, "out.txt", Text("same"), TimeSpan.FromDays(1), default);
        var other = await store.SaveAsync("job-1", "test", 1, "copy.txt", Text("same"), null, default);

        var build = Assert.Single(await store.ListAsync("job-1", "build", default));
        Assert.Equal((2, second.Sha256, _clock.GetUtcNow().AddDays(1)), (build.Attempt, build.Sha256, build.ExpiresAt));
        Assert.Equal(second.Sha256, other.Sha256);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_blobs, "sha256"), "*", SearchOption.AllDirectories).Length); // "first" and "same"
        using var reader = new StreamReader(store.OpenRead(other));
        Assert.Equal("same", await reader.ReadToEndAsync());
        Assert.Equal(["build/out.txt", "test/copy.txt"], (await store.ListAsync("job-1", null, default)).Select(a => a.TaskType + "/" + a.Name));
    }

    private static MemoryStream Text(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Expired_artifacts_are_collected_and_a_blob_is_deleted_only_when_nothing_else_uses_it()
    {
        var store = new FileArtifactStore(_documents, _blobs, _clock);
        var shared = await store.SaveAsync("job-1", "build", 1, "a.txt", Text("shared"), TimeSpan.FromHours(1), default);
        await store.SaveAsync("job-2", "build", 1, "b.txt", Text("shared"), null, default); // same content, kept for good
        var unique = await store.SaveAsync("job-1", "build", 1, "c.txt", Text("unique"), TimeSpan.FromHours(1), default);
        var blobs = Directory.GetFiles(_blobs, "*", SearchOption.AllDirectories).Where(f => !f.Contains("incoming", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, blobs.Count);

        Assert.Equal(0, (await store.CollectExpiredAsync()).Count);
        _clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(2, (await store.CollectExpiredAsync()).Count);

        Assert.Empty(await store.ListAsync("job-1", null, default));
        var kept = Assert.Single(await store.ListAsync("job-2", null, default));
        using (var reader = new StreamReader(store.OpenRead(kept)))
        {
            Assert.Equal("shared", await reader.ReadToEndAsync()); // its blob is still used: kept
        }

        Assert.Throws<FileNotFoundException>(() => store.OpenRead(unique)); // nothing else used it: deleted
        Assert.Equal(shared.Sha256, kept.Sha256);
    }

    public Task InitializeAsync() => new JobStore(_documents, _clock).EnsureSchemaAsync();

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
        if (Directory.Exists(_blobs))
        {
            Directory.Delete(_blobs, recursive: true);
        }
    }
}

using System.Text;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Workflows.Marten;
using Workflows.Marten.Artifacts;
using Workflows.TestSupport;

namespace Workflows.Hosting.Tests;

/// <summary>The retention sweep collects expired task caches and their archives, beside the artifacts (docs/caches.md).</summary>
public sealed class CacheRetentionTests : IAsyncLifetime
{
    private readonly string _schema = "wf_cacheret_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), "wf-cacheret-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private DocumentStore _documents = null!;

    [Fact]
    public async Task The_sweep_removes_caches_past_their_expiry_with_their_archives_and_keeps_the_others()
    {
        var store = new FileArtifactStore(_documents, _blobs, _clock);
        var expiring = await store.SaveAsync("app", "old", "build", "job-1", new MemoryStream(Encoding.UTF8.GetBytes("old archive")), TimeSpan.FromHours(1), default);
        await store.SaveAsync("app", "default", "build", "job-1", new MemoryStream(Encoding.UTF8.GetBytes("kept archive")), TimeSpan.FromDays(30), default);
        var sweep = new RetentionService(new JobStore(_documents, _clock), store, Options.Create(new WorkflowsOptions()), _clock, NullLogger<RetentionService>.Instance, store);

        _clock.Advance(TimeSpan.FromHours(2));
        await sweep.SweepAsync(new WorkflowsOptions(), CancellationToken.None);

        Assert.Equal(["default"], (await store.ListCachesAsync(null, default)).Select(c => c.Key));
        Assert.Throws<FileNotFoundException>(() => store.OpenRead(expiring));
        Assert.Single(Directory.GetFiles(Path.Combine(_blobs, "sha256"), "*", SearchOption.AllDirectories));
    }

    public Task InitializeAsync()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        return new JobStore(_documents, _clock).EnsureSchemaAsync();
    }

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

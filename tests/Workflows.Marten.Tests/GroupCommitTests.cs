using Marten;
using Workflows.Testing;

namespace Workflows.Marten.Tests;

/// <summary>Group commit: writes waiting together commit in one transaction, and a bad write fails alone.</summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;

    public GroupCommitTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Fact]
    public async Task Writes_queued_during_a_commit_go_together_and_a_failing_one_fails_alone()
    {
        await new JobStore(_documents, TimeProvider.System).EnsureSchemaAsync();
        var commits = new GroupCommit(_documents);
        using var hold = new ManualResetEventSlim();
        // The first write holds the committer while the others queue behind it: they are then taken as one group.
        var first = commits.CommitAsync(session =>
        {
            hold.Wait(TimeSpan.FromSeconds(10));
            session.Store(new JobView { Id = "first" });
        });
        await Task.Delay(100);
        var bad = commits.CommitAsync(session => session.QueueSqlCommand("select 1 / 0"));
        var good = Enumerable.Range(0, 10).Select(i => commits.CommitAsync(session => session.Store(new JobView { Id = $"v{i}" }))).ToList();
        hold.Set();

        await first;
        await Task.WhenAll(good);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => bad);
        Assert.Contains("division by zero", error.ToString(), StringComparison.OrdinalIgnoreCase);
        await using var query = _documents.QuerySession();
        Assert.Equal(11, await query.Query<JobView>().CountAsync());
        Assert.True(commits.LargestGroup > 1, $"the queued writes were committed one by one (largest group {commits.LargestGroup})");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

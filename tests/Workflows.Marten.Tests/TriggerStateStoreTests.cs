using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// Webhook triggers' rate limits and dedup keys live in the database: two stores on one schema (two hosts) share
/// them, and concurrent events cannot both pass a limit or claim a key.
/// </summary>
public sealed class TriggerStateStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_trig_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _firstDocuments;
    private readonly DocumentStore _secondDocuments;
    private readonly JobStore _first;
    private readonly JobStore _second;

    public TriggerStateStoreTests()
    {
        _firstDocuments = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _secondDocuments = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _first = new JobStore(_firstDocuments, _clock);
        _second = new JobStore(_secondDocuments, _clock);
    }

    [Fact]
    public async Task A_rate_limit_counts_the_events_of_both_hosts_in_one_window_and_restarts_when_the_window_is_over()
    {
        var window = TimeSpan.FromMinutes(5);
        var taken = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            taken.Add(await (i % 2 == 0 ? _first : _second).TryCountTriggerEventAsync("ci", "on-push", 3, window));
        }

        Assert.Equal([true, true, true, false], taken);
        Assert.True(await _first.TryCountTriggerEventAsync("ci", "other-trigger", 3, window)); // each trigger has its own window

        _clock.Advance(window - TimeSpan.FromSeconds(1));
        Assert.False(await _second.TryCountTriggerEventAsync("ci", "on-push", 3, window));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await _second.TryCountTriggerEventAsync("ci", "on-push", 3, window));
    }

    [Fact]
    public async Task Concurrent_events_of_two_hosts_pass_a_rate_limit_exactly_max_times()
    {
        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? _first : _second).TryCountTriggerEventAsync("ci", "burst", 7, TimeSpan.FromHours(1))));

        Assert.Equal(7, all.Count(t => t));
    }

    [Fact]
    public async Task A_dedup_key_is_claimed_once_across_hosts_and_then_names_the_job_it_submitted()
    {
        Assert.Equal((true, (string?)null), await _first.ClaimTriggerDedupAsync("ci", "push-abc", "on-push"));
        Assert.Equal((false, (string?)null), await _second.ClaimTriggerDedupAsync("ci", "push-abc", "on-push")); // being submitted

        await _first.CompleteTriggerDedupAsync("ci", "push-abc", "job-1");

        Assert.Equal((false, "job-1"), await _second.ClaimTriggerDedupAsync("ci", "push-abc", "on-push"));
        Assert.Equal((true, (string?)null), await _second.ClaimTriggerDedupAsync("other-type", "push-abc", "on-push")); // keys are per job type
    }

    [Fact]
    public async Task A_dedup_key_whose_submission_was_refused_is_given_back_and_can_be_claimed_again()
    {
        Assert.True((await _first.ClaimTriggerDedupAsync("ci", "push-def", "on-push")).Claimed);

        await _first.CompleteTriggerDedupAsync("ci", "push-def", null);

        Assert.True((await _second.ClaimTriggerDedupAsync("ci", "push-def", "on-push")).Claimed);
    }

    [Fact]
    public async Task Concurrent_claims_of_one_dedup_key_by_two_hosts_leave_exactly_one_claimed()
    {
        var all = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? _first : _second).ClaimTriggerDedupAsync("ci", "push-race", "on-push")));

        Assert.Single(all, c => c.Claimed);
    }

    public async Task InitializeAsync() => await _first.EnsureSchemaAsync();

    public async Task DisposeAsync()
    {
        _firstDocuments.Dispose();
        _secondDocuments.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}

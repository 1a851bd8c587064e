using Microsoft.Extensions.DependencyInjection;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>services.AddRetryStrategy&lt;T&gt;(name): what the workers get (no database needed).</summary>
public class RetryStrategyRegistrationTests
{
    private sealed class Patient : IRetryStrategy
    {
        public ValueTask<RetryStrategyDecision> DecideAsync(RetryContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RetryStrategyDecision.RetryAfter(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Registered_strategies_reach_the_workers_by_name()
    {
        var services = new ServiceCollection().AddWorkflows(options => options.WorkerCount = 1).AddRetryStrategy<Patient>("patient");
        using var provider = services.BuildServiceProvider();
        Assert.Equal(["patient"], provider.GetRequiredService<RetryStrategies>().Names);
    }

    [Fact]
    public void A_name_registered_twice_is_refused_at_add_time()
    {
        var services = new ServiceCollection().AddRetryStrategy<Patient>("patient");
        var error = Assert.Throws<ArgumentException>(() => services.AddRetryStrategy<Patient>("patient"));
        Assert.StartsWith("A retry strategy named 'patient' is already registered", error.Message, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Runtime;

namespace Workflows;

/// <summary>Registers custom retry strategies (<see cref="IRetryStrategy"/>) that tasks name with <c>retry_strategy</c>.</summary>
public static class RetryStrategyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TStrategy"/> (a singleton) under <paramref name="name"/>: a task with
    /// <c>retry_strategy: name</c> (C# <c>.RetryStrategy("name")</c>) asks it about each failed attempt. Register it in every
    /// host that runs workers; a task whose strategy a worker does not know fails with <c>ERR_RETRY_STRATEGY_NOT_FOUND</c>.
    /// </summary>
    /// <typeparam name="TStrategy">The strategy.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="name">The name tasks refer to.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The name is empty, or already registered.</exception>
    public static IServiceCollection AddRetryStrategy<TStrategy>(this IServiceCollection services, string name)
        where TStrategy : class, IRetryStrategy
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (services.Any(d => d.ServiceType == typeof(RetryStrategyName) && d.ImplementationInstance is RetryStrategyName { Name: var existing } && existing == name))
        {
            throw new ArgumentException($"A retry strategy named '{name}' is already registered; each name refers to one strategy.", nameof(name));
        }

        services.AddSingleton(new RetryStrategyName(name));
        services.TryAddSingleton<TStrategy>();
        services.AddSingleton(provider => new NamedRetryStrategy(name, provider.GetRequiredService<TStrategy>()));
        return services;
    }

    /// <summary>Marks a registered name (so a second registration of it is refused at add time).</summary>
    private sealed record RetryStrategyName(string Name);
}

using System.Collections.Frozen;
using Marten;
using Workflows.Runtime;

namespace Workflows.Marten.Serialization;

/// <summary>
/// Marten's names of the job events (the <c>type</c> and <c>mt_dotnet_type</c> columns of its events table), both
/// ways, for the code that reads and writes those rows without a Marten session.
/// </summary>
internal sealed class EventNames
{
    private readonly FrozenDictionary<Type, (string Alias, string DotNet)> _byType;

    /// <summary>Every job event type (the store registers them all up front).</summary>
    public static IReadOnlyList<Type> JobEventTypes { get; } =
        [.. typeof(JobEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(JobEvent)) && !t.IsAbstract)];
    private readonly FrozenDictionary<string, Type> _byAlias;

    /// <summary>Reads the names from the store's event mappings.</summary>
    /// <param name="store">The Marten store configured with <see cref="WorkflowsMarten.Configure"/>.</param>
    public EventNames(IDocumentStore store)
    {
        var graph = (global::Marten.Events.EventGraph)store.Options.Events;
        _byType = JobEventTypes.ToFrozenDictionary(t => t, t =>
            {
                var mapping = graph.EventMappingFor(t);
                return (mapping.EventTypeName, mapping.DotNetTypeName);
            });
        _byAlias = _byType.ToFrozenDictionary(p => p.Value.Alias, p => p.Key, StringComparer.Ordinal);
    }

    /// <summary>The event's alias and .NET type name as Marten stores them.</summary>
    /// <param name="type">A job event type.</param>
    public (string Alias, string DotNet) Of(Type type) => _byType[type];

    /// <summary>The event type stored under an alias.</summary>
    /// <param name="alias">The <c>type</c> column.</param>
    public Type TypeOf(string alias) => _byAlias.TryGetValue(alias, out var type)
        ? type
        : throw new InvalidOperationException($"Unknown job event type '{alias}' in the events table: is this host older than the one that wrote it?");
}

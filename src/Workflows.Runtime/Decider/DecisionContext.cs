namespace Workflows.Runtime;

/// <summary>What a decision may depend on besides the state: the time, and a random sample for jitter (so the decider stays pure).</summary>
/// <param name="Now">The current time, from the runtime's <see cref="TimeProvider"/>.</param>
/// <param name="Jitter">A uniform sample in [0, 1) for backoff jitter.</param>
public readonly record struct DecisionContext(DateTimeOffset Now, double Jitter = 0.5);

namespace Workflows.Benchmarks.Throughput;

/// <summary>One engine as a run drives it: a server with workers in this process, or a submit-only client of another process's server.</summary>
internal abstract class EngineUnderTest : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Starts workers in this process (and creates the engine's tables).</summary>
    /// <param name="workers">Concurrent workers.</param>
    /// <param name="failOnce">Jobs fail their first attempt and succeed on an immediate retry.</param>
    public abstract Task StartServerAsync(int workers, bool failOnce);

    /// <summary>Starts a submit-only client (the tables exist: a server started them).</summary>
    public abstract Task StartClientAsync();

    /// <summary>Submits one no-op job through the engine's public API; <paramref name="submittedTicks"/> (0: not measured) reaches the job.</summary>
    public abstract Task SubmitAsync(long submittedTicks);

    /// <summary>How many jobs the database records as done (completed / succeeded).</summary>
    public abstract Task<long> CountDoneAsync();

    public abstract ValueTask DisposeAsync();

    public static EngineUnderTest Create(string engine, string connectionString, string schema) => engine switch
    {
        "workflows" => new WorkflowsEngine(connectionString, schema),
        "hangfire" => new HangfireEngine(connectionString, schema),
        "wolverine" => new WolverineEngine(connectionString, schema),
        _ => throw new ArgumentException($"unknown engine '{engine}' (workflows, hangfire, wolverine)", nameof(engine)),
    };
}

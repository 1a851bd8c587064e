namespace Workflows.Benchmarks.Throughput;

/// <summary>One engine as a run drives it: a server with workers in this process, or a submit-only client of another process's server.</summary>
internal abstract class EngineUnderTest : IAsyncDisposable
{
    /// <summary>Tasks in a <see cref="Work.Dag"/> job, each started when the one before it completed.</summary>
    public const int DagLength = 5;

    public abstract string Name { get; }

    /// <summary>Starts workers in this process (and creates the engine's tables).</summary>
    /// <param name="workers">Concurrent workers.</param>
    /// <param name="work">What each job does (<see cref="Work"/>).</param>
    public abstract Task StartServerAsync(int workers, Work work);

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

/// <summary>What each job of a run does.</summary>
internal enum Work
{
    /// <summary>One no-op task (modes <c>e2e</c> and <c>latency</c>).</summary>
    Noop,

    /// <summary>One task that fails its first attempt and succeeds on an immediate retry (mode <c>fail-once</c>).</summary>
    FailOnce,

    /// <summary>A chain of <see cref="EngineUnderTest.DagLength"/> no-op tasks (mode <c>dag</c>); the job is done when the last one is.</summary>
    Dag,
}

/// <summary>The modes of a measured run.</summary>
internal static class Modes
{
    /// <summary>The work of a mode.</summary>
    public static Work WorkOf(string mode) => mode switch
    {
        "e2e" or "latency" => Work.Noop,
        "fail-once" => Work.FailOnce,
        "dag" => Work.Dag,
        _ => throw new ArgumentException($"unknown mode '{mode}' (e2e, fail-once, dag, latency)", nameof(mode)),
    };
}

using Marten;
using Workflows.Executors.Secrets;

namespace Workflows.Marten.Configs;

/// <summary>
/// Job configs (name, value, secret) per job type, and the host's secrets, merged for each attempt. What an attempt
/// sees is cached per job type while this process listens for changes (<see cref="JobStore.ListenAsync"/>): every change
/// notifies every process in its transaction, so a cached value is never older than that notification's delivery;
/// while nothing listens, each attempt reads the database.
/// </summary>
/// <param name="store">The Marten store.</param>
/// <param name="time">The clock.</param>
/// <param name="hostSecrets">The host's secrets (configuration <c>Workflows:Secrets</c>): every job type sees them, below its own configs.</param>
public sealed class JobConfigs(IDocumentStore store, TimeProvider time, IReadOnlyDictionary<string, string>? hostSecrets = null)
{
    /// <summary>The longest value a config may hold, in characters.</summary>
    public const int MaxValueLength = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AttemptConfigs> _cache = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _hostSecrets = hostSecrets ?? new Dictionary<string, string>();
    private long _generation;
    private bool _listening;

    /// <summary>The names of the host's secrets (never their values).</summary>
    public IReadOnlyCollection<string> HostSecretNames => _hostSecrets.Keys.ToList();

    /// <summary>Sets a config of a job type (creating or replacing it); every process sees the new value from its next attempt.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="name">A template identifier such as <c>API_TOKEN</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="secret">True to mask it in logs and never serve it back.</param>
    /// <param name="by">Who sets it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The config, and true when it did not exist before.</returns>
    /// <exception cref="ArgumentException">The name is not an identifier or the value is too long; the message says which.</exception>
    public async Task<(JobConfig Config, bool Created)> SetAsync(string jobType, string name, string value, bool secret, string? by = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobType);
        Check(name, value);
        await using var session = store.LightweightSession();
        var id = JobConfig.IdOf(jobType, name);
        var existed = await session.LoadAsync<JobConfig>(id, cancellationToken).ConfigureAwait(false) is not null;
        var config = new JobConfig { Id = id, JobType = jobType, Name = name, Value = value, Secret = secret, UpdatedAt = time.GetUtcNow(), UpdatedBy = by };
        session.Store(config);
        Notify(session);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return (config, !existed);
    }

    /// <summary>Deletes a config; false when there was none.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="name">The config's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> DeleteAsync(string jobType, string name, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var id = JobConfig.IdOf(jobType, name);
        if (await session.LoadAsync<JobConfig>(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        session.Delete<JobConfig>(id);
        Notify(session);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A job type's configs, by name.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobConfig>> ListAsync(string jobType, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobConfig>().Where(c => c.JobType == jobType).OrderBy(c => c.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What an attempt of the job type sees: the host's secrets, then the job type's configs (which win).</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<AttemptConfigs> ForAttemptAsync(string jobType, CancellationToken cancellationToken = default)
    {
        long generation;
        lock (_gate)
        {
            if (_listening && _cache.TryGetValue(jobType, out var cached))
            {
                return cached;
            }

            generation = _generation;
        }

        var values = new Dictionary<string, string>(_hostSecrets, StringComparer.Ordinal);
        var secrets = new HashSet<string>(_hostSecrets.Keys, StringComparer.Ordinal);
        foreach (var config in await ListAsync(jobType, cancellationToken).ConfigureAwait(false))
        {
            values[config.Name] = config.Value;
            if (config.Secret)
            {
                secrets.Add(config.Name);
            }
            else
            {
                secrets.Remove(config.Name);
            }
        }

        var configs = values.Count == 0 ? AttemptConfigs.Empty : new AttemptConfigs(values, secrets);
        lock (_gate)
        {
            // Kept only if no change was announced while it was read: a value read before a change is not cached after it.
            if (_listening && generation == _generation)
            {
                _cache[jobType] = configs;
            }
        }

        return configs;
    }

    /// <summary>True while this process hears every change (attempts may use cached configs).</summary>
    internal bool IsListening
    {
        get
        {
            lock (_gate)
            {
                return _listening;
            }
        }
    }

    /// <summary>The channel on which config changes are announced.</summary>
    /// <param name="schema">The store's schema.</param>
    internal static string Channel(string schema) => "workflows_configs_" + schema;

    /// <summary>This process now hears every change: attempts may use cached configs (read again from now on).</summary>
    internal void Listening() => Changed(listening: true);

    /// <summary>A change was announced, or listening stopped: nothing cached is trusted.</summary>
    /// <param name="listening">Whether this process still hears changes.</param>
    internal void Changed(bool listening)
    {
        lock (_gate)
        {
            _generation++;
            _cache.Clear();
            _listening = listening;
        }
    }

    private void Notify(IDocumentSession session) =>
        session.QueueSqlCommand("select pg_notify(?, '')", Channel(store.Options.DatabaseSchemaName));

    private static void Check(string name, string value)
    {
        if (!Workflows.Definitions.VariableNames.IsValid(name))
        {
            throw new ArgumentException(
                $"Config name '{name}' is not a template identifier: use 1 to 100 letters, digits and underscores, not starting with a digit (e.g. API_TOKEN), so templates can read it as {{{{.API_TOKEN}}}}.", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxValueLength)
        {
            throw new ArgumentException($"Config '{name}' has {value.Length} characters; at most {MaxValueLength} are allowed. Keep large data in an artifact or a file the task reads.", nameof(value));
        }
    }
}

using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;
using Workflows.Executors.Artifacts;
using Workflows.Marten.Definitions;
using Workflows.Marten.Tokens;

namespace Workflows.Marten;

/// <summary>How Workflows configures Marten: string stream keys, the model's JSON converters, the job view document.</summary>
public static class WorkflowsMarten
{
    /// <summary>The predicate of the job views' user-key index: the lookup's <c>data->>'UserKey' = @key</c> implies it.</summary>
    internal const string UserKeyIndexPredicate = "data ->> 'UserKey' is not null";

    /// <summary>Applies the Workflows settings to Marten's options.</summary>
    /// <param name="options">Marten's options.</param>
    /// <param name="connectionString">The PostgreSQL connection string.</param>
    /// <param name="schema">The database schema for Workflows' tables.</param>
    public static void Configure(StoreOptions options, string connectionString, string schema = "workflows")
    {
        ArgumentNullException.ThrowIfNull(options);
        // Pooled connections are not reset with DISCARD ALL on return: Workflows keeps no session state on them (its
        // locks are transaction-scoped; LISTEN has a connection of its own), and the reset cost a statement (a commit)
        // per use and dropped prepared statements. The statements every job runs (append, view, due rows, claim) are
        // prepared automatically after a few uses: PostgreSQL no longer parses and plans them each time. Settings
        // given in the connection string win.
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("NoResetOnClose"))
        {
            connection.NoResetOnClose = true;
        }

        if (!given.Contains("MaxAutoPrepare"))
        {
            connection.MaxAutoPrepare = 64;
            connection.AutoPrepareMinUsages = 3;
        }

        options.Connection(connection.ConnectionString);
        options.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.Default, json =>
        {
            json.Converters.Add(new EquatableArrayConverterFactory());
            json.Converters.Add(new ExitActionConverter());
            // Definitions are mostly unset keys: leaving nulls out keeps events and views small (no TOAST compression
            // of every job's definition). No stored property has a non-null default, so reading back is unchanged.
            json.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            json.TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.WithAddedModifier(json.TypeInfoResolver ?? new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(), SkipDerivedDefinitionProperties);
        });
        // Registered up front so "apply all configured changes" creates the event tables too (hosts never create
        // schema objects lazily), and so the events' aliases are known before the first one is read.
        options.Events.AddEventTypes(Serialization.EventNames.JobEventTypes);
        options.Schema.For<JobView>().Identity(v => v.Id)
            .Index(v => v.CreatedAt)
            .Duplicate(v => v.JobType)
            .Duplicate(v => v.Status)
            .Duplicate(v => v.ParentJobId!)
            // Partial: the jobs of a lineage are few, and a job view written without a root (most writes) adds no index entry.
            .Duplicate(v => v.RetryRoot!, configure: index => index.Predicate = "retry_root is not null")
            .Index(v => v.RetainUntil!)
            // Partial, for JobStore.ActiveByUserKeyAsync: only the jobs submitted with a user_key (few) have an entry.
            .Index(v => v.UserKey!, index => index.Predicate = UserKeyIndexPredicate);
        options.Schema.For<StoredDefinition>().Identity(d => d.Id).UniqueIndex(d => d.JobType, d => d.Version);
        options.Schema.For<DefinitionType>().Identity(t => t.Id);
        options.Schema.For<ApiToken>().Identity(t => t.Id).Index(t => t.Name, index =>
        {
            index.IsUnique = true;
            index.Predicate = TokenStore.LiveNameIndexPredicate;
        });
        options.Schema.For<Configs.JobConfig>().Identity(c => c.Id).Duplicate(c => c.JobType);
        options.Schema.For<ArtifactInfo>().Identity(a => a.Id).Index(a => a.JobId);
        options.Schema.For<Workflows.Executors.Caches.CacheEntry>().Identity(c => c.Id).Index(c => c.ExpiresAt);
        options.Storage.ExtendedSchemaObjects.Add(DueTasks.Table(schema));
        options.Storage.ExtendedSchemaObjects.Add(RetryLocks.Table(schema));
        options.Storage.ExtendedSchemaObjects.Add(Logs.TaskLogs.Definition(schema));
        options.Storage.ExtendedSchemaObjects.Add(Triggers.TriggerTables.WindowsTable(schema));
        options.Storage.ExtendedSchemaObjects.Add(Triggers.TriggerTables.DedupTable(schema));
        options.Storage.ExtendedSchemaObjects.Add(Schedules.ScheduleTables.SchedulesTable(schema));
        options.Storage.ExtendedSchemaObjects.Add(Schedules.ScheduleTables.MissesTable(schema));
        options.Storage.ExtendedSchemaObjects.Add(Hosts.HostTable.Definition(schema));
        options.Storage.ExtendedSchemaObjects.Add(Notifications.OutboxTable.Definition(schema));
    }

    /// <summary>
    /// Leaves out of stored definitions the properties derived from others (<c>FirstTask</c>, <c>EffectiveMethod</c>,
    /// <c>MaxAttempts</c>):
    /// they are computed again when read, and <c>FirstTask</c> repeated the first task whole in every job's first event
    /// (1,747 of a one-task job's 2,600 bytes of events). Rows written with them read back the same.
    /// </summary>
    private static void SkipDerivedDefinitionProperties(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (type.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object || type.Type.Namespace != typeof(Workflows.Definitions.JobDefinition).Namespace)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.AssociatedParameter is null)
            {
                property.ShouldSerialize = static (_, _) => false;
            }
        }
    }
}

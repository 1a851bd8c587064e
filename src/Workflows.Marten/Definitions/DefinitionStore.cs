using System.Security.Cryptography;
using System.Text;
using Marten;
using Workflows.Definitions;

namespace Workflows.Marten.Definitions;

/// <summary>
/// Versioned job definitions in PostgreSQL: an upload of new text adds a version (the same text again is the same
/// version), jobs pin the version they start with, and a type can be disabled and enabled. Definitions are validated by
/// the caller (<c>DefinitionChecks.Validate</c>) before they get here.
/// </summary>
/// <param name="store">The Marten store.</param>
/// <param name="time">The clock.</param>
public sealed class DefinitionStore(IDocumentStore store, TimeProvider time)
{
    /// <summary>Stores a definition; returns the version and whether it is new.</summary>
    /// <param name="definition">The validated definition.</param>
    /// <param name="source">The uploaded text.</param>
    /// <param name="createdBy">Who uploaded it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">Another upload of the same type took that version at the same moment; upload again.</exception>
    public async Task<(StoredDefinition Stored, bool Created)> SaveAsync(JobDefinition definition, string source, string? createdBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(source);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
        await using var session = store.LightweightSession();
        var type = await session.LoadAsync<DefinitionType>(definition.JobType, cancellationToken).ConfigureAwait(false);
        if (type is not null)
        {
            var latest = await session.LoadAsync<StoredDefinition>(StoredDefinition.IdOf(definition.JobType, type.LatestVersion), cancellationToken).ConfigureAwait(false);
            if (latest is not null && latest.Sha256 == sha)
            {
                return (latest, false);
            }
        }

        var now = time.GetUtcNow();
        var version = (type?.LatestVersion ?? 0) + 1;
        var stored = new StoredDefinition
        {
            Id = StoredDefinition.IdOf(definition.JobType, version),
            JobType = definition.JobType,
            Version = version,
            Definition = definition,
            Source = source,
            Sha256 = sha,
            CreatedAt = now,
            CreatedBy = createdBy,
        };

        // Insert (not upsert): two concurrent uploads of one type cannot both become version N.
        session.Insert(stored);
        session.Store((type ?? new DefinitionType { Id = definition.JobType }) with { LatestVersion = version, UpdatedAt = now });
        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JasperFx.DocumentAlreadyExistsException e)
        {
            throw new InvalidOperationException($"Definition '{definition.JobType}' version {version} was stored by another upload at the same moment; upload again to add yours as the next version.", e);
        }

        return (stored, true);
    }

    /// <summary>The type's record, or null when it was never uploaded.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<DefinitionType?> GetTypeAsync(string jobType, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<DefinitionType>(jobType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One version (the latest when <paramref name="version"/> is null), or null.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<StoredDefinition?> GetAsync(string jobType, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        if (version is null)
        {
            var type = await session.LoadAsync<DefinitionType>(jobType, cancellationToken).ConfigureAwait(false);
            if (type is null)
            {
                return null;
            }

            version = type.LatestVersion;
        }

        return await session.LoadAsync<StoredDefinition>(StoredDefinition.IdOf(jobType, version.Value), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every version of a type, oldest first.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<StoredDefinition>> VersionsAsync(string jobType, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<StoredDefinition>().Where(d => d.JobType == jobType).OrderBy(d => d.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every stored type, by name.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<DefinitionType>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<DefinitionType>().OrderBy(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disables or enables new submissions of a type; false when the type is not stored.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="disabled">True to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> SetDisabledAsync(string jobType, bool disabled, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var type = await session.LoadAsync<DefinitionType>(jobType, cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            return false;
        }

        session.Store(type with { Disabled = disabled });
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}

using System;

namespace Workflows.Definitions
{
    /// <summary>Folders kept between runs of the same job type (<c>cache:</c>; DOCKER and KUBERNETES).</summary>
    /// <param name="Paths">Folders to cache.</param>
    /// <param name="Key">The cache key (may be a template).</param>
    /// <param name="KeyPaths">Files whose content forms the key.</param>
    /// <param name="ExpiresAfter">How long an entry is kept; null = server default.</param>
    public sealed record CacheSpec(EquatableArray<string> Paths, string? Key = null, EquatableArray<string> KeyPaths = default, TimeSpan? ExpiresAfter = null);
}

using System.Security.Cryptography;
using Workflows.Executors.Artifacts;

namespace Workflows.Executors.Tests.Support;

/// <summary>Artifacts kept in memory, for executor tests (the file store with its Marten index is tested with PostgreSQL).</summary>
public sealed class MemoryArtifactStore : IArtifactStore
{
    private readonly Lock _gate = new();
    private readonly List<(ArtifactInfo Info, byte[] Bytes)> _items = [];

    public async Task<ArtifactInfo> SaveAsync(string jobId, string taskType, int attempt, string name, Stream content, TimeSpan? expiresAfter, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var info = new ArtifactInfo($"{jobId}/{taskType}/{attempt}/{name}", jobId, taskType, attempt, name,
            Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, DateTimeOffset.UnixEpoch, null);
        lock (_gate)
        {
            _items.Add((info, bytes));
        }

        return info;
    }

    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(string jobId, string? taskType, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<ArtifactInfo> list = _items.Select(i => i.Info)
                .Where(i => i.JobId == jobId && (taskType is null || i.TaskType == taskType))
                .OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
            return Task.FromResult(list);
        }
    }

    public Stream OpenRead(ArtifactInfo artifact)
    {
        lock (_gate)
        {
            return new MemoryStream(_items.Single(i => i.Info == artifact).Bytes, writable: false);
        }
    }

    /// <summary>Nothing saved here expires (SaveAsync records no expiry).</summary>
    public Task<ExpiredArtifacts> CollectExpiredAsync(CancellationToken cancellationToken) => Task.FromResult(new ExpiredArtifacts(0, 0));

    public string ReadText(ArtifactInfo artifact)
    {
        using var reader = new StreamReader(OpenRead(artifact));
        return reader.ReadToEnd();
    }
}

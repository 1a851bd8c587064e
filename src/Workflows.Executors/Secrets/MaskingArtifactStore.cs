using System.Text;
using Workflows.Executors.Artifacts;

namespace Workflows.Executors.Secrets;

/// <summary>
/// The artifact store an attempt with secrets saves through: every occurrence of a secret value (its UTF-8 bytes) in a
/// saved file is replaced before the file is stored, as logs mask it. A text file (no NUL byte in its first 8000 bytes,
/// git's test) gets <c>***</c> like a log line; a binary file gets one <c>*</c> per byte of the secret, so its size and
/// offsets stay the same. A secret stored in another form (base64, compressed, UTF-16) is not recognised.
/// </summary>
/// <param name="inner">The store.</param>
/// <param name="secrets">The secret values, longest first (<see cref="AttemptConfigs.SecretValues"/>).</param>
public sealed class MaskingArtifactStore(IArtifactStore inner, IReadOnlyList<string> secrets) : IArtifactStore
{
    private const int BinaryProbe = 8000;
    private readonly byte[][] _secrets = secrets.Where(s => s.Length > 0).Select(Encoding.UTF8.GetBytes).OrderByDescending(b => b.Length).ToArray();

    /// <inheritdoc />
    public async Task<ArtifactInfo> SaveAsync(string jobId, string taskType, int attempt, string name, Stream content, TimeSpan? expiresAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (_secrets.Length == 0)
        {
            return await inner.SaveAsync(jobId, taskType, attempt, name, content, expiresAfter, cancellationToken).ConfigureAwait(false);
        }

        var masked = new FileStream(Path.Combine(Path.GetTempPath(), $"wf-masked-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (masked.ConfigureAwait(false))
        {
            await MaskAsync(content, masked, cancellationToken).ConfigureAwait(false);
            masked.Position = 0;
            return await inner.SaveAsync(jobId, taskType, attempt, name, masked, expiresAfter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ArtifactInfo>> ListAsync(string jobId, string? taskType, CancellationToken cancellationToken) => inner.ListAsync(jobId, taskType, cancellationToken);

    /// <inheritdoc />
    public Stream OpenRead(ArtifactInfo artifact) => inner.OpenRead(artifact);

    /// <inheritdoc />
    public Task<ExpiredArtifacts> CollectExpiredAsync(CancellationToken cancellationToken) => inner.CollectExpiredAsync(cancellationToken);

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with the secrets replaced, streaming (a window of the longest secret is held back).</summary>
    internal async Task MaskAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        var longest = _secrets[0].Length;
        var buffer = new byte[Math.Max(81920, longest * 2)];
        var pending = 0;
        bool? binary = null;
        var textMask = Encoding.UTF8.GetBytes(SecretMask.Mask);
        while (true)
        {
            var read = await source.ReadAsync(buffer.AsMemory(pending), cancellationToken).ConfigureAwait(false);
            var end = read == 0;
            pending += read;
            if (binary is null && (pending >= BinaryProbe || end))
            {
                binary = buffer.AsSpan(0, Math.Min(pending, BinaryProbe)).IndexOf((byte)0) >= 0;
            }

            if (binary is null && !end && pending < buffer.Length)
            {
                continue;
            }

            // Positions before 'limit' can be decided now: a secret starting there is wholly in the buffer.
            var limit = end ? pending : pending - (longest - 1);
            var output = new MemoryStream(pending);
            var i = 0;
            while (i < limit)
            {
                var matched = Match(buffer.AsSpan(i, pending - i));
                if (matched > 0)
                {
                    if (binary == true)
                    {
                        for (var k = 0; k < matched; k++)
                        {
                            output.WriteByte((byte)'*');
                        }
                    }
                    else
                    {
                        output.Write(textMask);
                    }

                    i += matched;
                }
                else
                {
                    output.WriteByte(buffer[i]);
                    i++;
                }
            }

            await target.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), cancellationToken).ConfigureAwait(false);
            if (end)
            {
                return;
            }

            buffer.AsSpan(i, pending - i).CopyTo(buffer);
            pending -= i;
        }
    }

    private int Match(ReadOnlySpan<byte> at)
    {
        foreach (var secret in _secrets)
        {
            if (at.StartsWith(secret))
            {
                return secret.Length;
            }
        }

        return 0;
    }
}

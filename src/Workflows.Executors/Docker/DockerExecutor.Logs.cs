using System.Buffers;
using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Workflows.Definitions;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Docker;

/// <summary>The container's stdout and stderr streamed into the task log.</summary>
public sealed partial class DockerExecutor
{
    /// <summary>Writes the output's lines to the log; a stdout line ending with <paramref name="cache"/>'s marker signals it instead.</summary>
    private static async Task PumpLogsAsync(MultiplexedStream output, ITaskLog log, CachePlan? cache, CancellationToken cancellationToken)
    {
        var stdout = new LineAssembler(line =>
        {
            if (cache is not null && line.EndsWith(cache.Marker, StringComparison.Ordinal))
            {
                // before_script's last output may not have ended its line: what precedes the marker is still output.
                if (line.Length > cache.Marker.Length)
                {
                    log.Write(LogSource.Stdout, line[..^cache.Marker.Length]);
                }

                cache.Reached.TrySetResult();
            }
            else
            {
                log.Write(LogSource.Stdout, line);
            }
        });
        var stderr = new LineAssembler(line => log.Write(LogSource.Stderr, line));
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var stream = output;
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var target = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
                target.Append(buffer.AsSpan(0, read.Count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            stdout.Flush();
            stderr.Flush();
        }
    }

    private static async Task DrainLogsAsync(Task logs, ITaskLog log, CancellationToken cancellationToken)
    {
        try
        {
            await logs.WaitAsync(LogDrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.Write(LogSource.System, $"the log stream did not end within {LogDrainTimeout.TotalSeconds:0} s of the exit; later output is not in this log");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is OperationCanceledException || IsEngineFailure(e, cancellationToken)))
        {
            log.Write(LogSource.System, "the log stream failed: " + Describe(e));
        }
    }
}

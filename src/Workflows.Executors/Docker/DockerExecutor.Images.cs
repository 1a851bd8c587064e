using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Docker;

/// <summary>Which image runs: the requested one when present or pulled, else a configured fallback.</summary>
public sealed partial class DockerExecutor
{
    private async Task<ImageChoice> ResolveImageAsync(string requested, ITaskLog log, CancellationToken cancellationToken)
    {
        if (_images.TryGetValue(requested, out var known))
        {
            log.Write(LogSource.System, known == requested ? $"image '{requested}'" : $"image '{known}' (local stand-in for '{requested}')");
            return new ImageChoice(known, null);
        }

        if (await IsPresentAsync(requested, cancellationToken).ConfigureAwait(false))
        {
            _images[requested] = requested;
            log.Write(LogSource.System, $"image '{requested}' (present on the engine)");
            return new ImageChoice(requested, null);
        }

        log.Write(LogSource.System, $"image '{requested}' not present; pulling (up to {_pullTimeout.TotalSeconds:0.#} s)");
        var pullError = await PullAsync(requested, cancellationToken).ConfigureAwait(false);
        if (pullError is null)
        {
            if (await IsPresentAsync(requested, cancellationToken).ConfigureAwait(false))
            {
                _images[requested] = requested;
                log.Write(LogSource.System, $"image '{requested}' pulled");
                return new ImageChoice(requested, null);
            }

            pullError = "the engine reported the pull done but the image is still absent";
        }

        pullError = pullError.Trim().TrimEnd('.');

        var fix = $"Fix: run 'docker pull {requested}' on the engine's host (or 'docker load -i <file>.tar' where no registry is reachable), " +
            "configure a registry or mirror the engine can reach, or map the image to a local one in DockerExecutorOptions.ImageFallbacks.";
        if (_fallbacks.TryGetValue(requested, out var standIn))
        {
            if (await IsPresentAsync(standIn, cancellationToken).ConfigureAwait(false))
            {
                _images[requested] = standIn;
                log.Write(LogSource.System, $"image '{requested}' could not be pulled ({pullError}); using local stand-in '{standIn}' (ImageFallbacks)");
                return new ImageChoice(standIn, null);
            }

            return new ImageChoice(null, TaskOutcome.Error(ExecutorErrors.ImageNotFound,
                $"Image '{requested}' is not on the Docker engine at {_endpoint} and could not be pulled: {pullError}. " +
                $"Its stand-in '{standIn}' (ImageFallbacks) is not present either. {fix}"));
        }

        return new ImageChoice(null, TaskOutcome.Error(ExecutorErrors.ImageNotFound,
            $"Image '{requested}' is not on the Docker engine at {_endpoint} and could not be pulled: {pullError}. {fix}"));
    }

    private async Task<bool> IsPresentAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Pulls an image; returns null when the engine reports success, else what went wrong.</summary>
    private async Task<string?> PullAsync(string image, CancellationToken cancellationToken)
    {
        // Without a tag the engine pulls every tag of the repository: pull ':latest' as 'docker pull' does.
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var parameters = image.Contains('@', StringComparison.Ordinal) ? new ImagesCreateParameters { FromImage = image }
            : colon > slash ? new ImagesCreateParameters { FromImage = image[..colon], Tag = image[(colon + 1)..] }
            : new ImagesCreateParameters { FromImage = image, Tag = "latest" };
        var progress = new PullProgress();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_pullTimeout);
        try
        {
            await _client.Images.CreateImageAsync(parameters, null, progress, timeout.Token).ConfigureAwait(false);
            return progress.Error;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the pull did not finish within {_pullTimeout.TotalSeconds:0.#} s (DockerExecutorOptions.PullTimeout)";
        }
        catch (DockerApiException e)
        {
            return ApiMessage(e).TrimEnd('.');
        }
    }

    private sealed record ImageChoice(string? Name, TaskOutcome? Error);
}

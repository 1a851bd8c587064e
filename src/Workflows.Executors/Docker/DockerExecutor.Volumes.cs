using System.Text.Json;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Logs;
using ContainerSpec = Workflows.Definitions.ContainerSpec;

namespace Workflows.Executors.Docker;

/// <summary>
/// formicary's <c>volumes</c> of a task's container and its services, as a pod would have them: an <c>empty_dir</c> is a
/// Docker volume of the attempt, shared by name between the task's container and its services, and removed with the
/// attempt (<c>medium: Memory</c> makes it a tmpfs). Nothing of the host is mounted: a <c>host_path</c> volume is not
/// mounted (the same least privilege as the task's container, whose host folders are never bound), and Kubernetes
/// objects (<c>pvc</c>, <c>config_map</c>, <c>secret</c>, <c>projected</c>) do not exist on a Docker host; each is logged.
/// </summary>
public sealed partial class DockerExecutor
{
    /// <summary>The attempt's empty_dir volumes, by their name in the definition; created on first use.</summary>
    private sealed class AttemptVolumes(string prefix)
    {
        public string Prefix { get; } = prefix;

        public Dictionary<string, string> Created { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The mounts of <paramref name="volumes"/> for one container; empty_dir volumes are created as needed.</summary>
    private async Task<List<Mount>> MountsAsync(TaskExecution execution, AttemptVolumes attempt, IEnumerable<VolumeSpec> volumes, string owner)
    {
        var mounts = new List<Mount>();
        foreach (var volume in volumes)
        {
            if (volume.Kind != VolumeKind.EmptyDir)
            {
                execution.Log.Write(LogSource.System, volume.Kind == VolumeKind.HostPath
                    ? $"{owner}: host_path volume '{volume.Name}' ({volume.HostPath}) not mounted: this host mounts no host folders into containers, as for the task's container. Share files between the task and its services with an empty_dir volume."
                    : $"{owner}: {VolumeSpec.KeyOf(volume.Kind)} volume '{volume.Name}' not mounted: it is a Kubernetes object, which a Docker host does not have.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(volume.Name) || !volume.MountPath.Trim().StartsWith('/'))
            {
                execution.Log.Write(LogSource.System, $"{owner}: empty_dir volume '{volume.Name}' not mounted: it needs a name and an absolute mount_path.");
                continue;
            }

            if (!attempt.Created.TryGetValue(volume.Name, out var name))
            {
                name = attempt.Prefix + NamePart(volume.Name) + "-" + attempt.Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var memory = string.Equals(volume.Medium?.Trim(), "Memory", StringComparison.OrdinalIgnoreCase);
                // Created without cancellation, as containers are: a volume the engine made must be known, to be removed.
                var parameters = new VolumesCreateParameters { Name = name, Labels = Labels(execution) };
                if (memory)
                {
                    parameters.DriverOpts = new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = "tmpfs", ["device"] = "tmpfs" };
                }

                await _client.Volumes.CreateAsync(parameters, CancellationToken.None).ConfigureAwait(false);
                attempt.Created[volume.Name] = name;
                execution.Log.Write(LogSource.System, $"empty_dir volume '{volume.Name}' created as {name}{(memory ? " (tmpfs)" : string.Empty)}");
            }

            if (!string.IsNullOrWhiteSpace(volume.SubPath))
            {
                execution.Log.Write(LogSource.System, $"{owner}: sub_path '{volume.SubPath}' of empty_dir volume '{volume.Name}' not applied: the whole volume is mounted at {volume.MountPath}.");
            }

            mounts.Add(new Mount { Type = "volume", Source = name, Target = volume.MountPath.Trim(), ReadOnly = volume.ReadOnly });
        }

        return mounts;
    }

    /// <summary>Removes the attempt's volumes (after its containers); failures are logged, never thrown.</summary>
    private async Task RemoveVolumesAsync(AttemptVolumes attempt, ITaskLog log)
    {
        foreach (var name in attempt.Created.Values)
        {
            using var timeout = new CancellationTokenSource(RemoveTimeout);
            try
            {
                await _client.Volumes.RemoveAsync(name, force: true, timeout.Token).ConfigureAwait(false);
                log.Write(LogSource.System, $"volume {name} removed");
            }
            catch (global::Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Already gone.
            }
            catch (Exception e) when (e is OperationCanceledException || IsEngineFailure(e, CancellationToken.None))
            {
                log.Write(LogSource.System, $"volume {name} not removed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// The volumes of the task's container, kept verbatim in <see cref="ContainerSpec.Options"/> (<c>volumes</c>, formicary's
    /// Kubernetes form <c>{empty_dir: [{name, mount_path}], host_path: […], …}</c>); any other form has none.
    /// </summary>
    internal static IReadOnlyList<VolumeSpec> ContainerVolumes(ContainerSpec? container)
    {
        var json = container?.Options.FirstOrDefault(o => o.Name == "volumes")?.Value;
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var volumes = new List<VolumeSpec>();
            foreach (var kind in document.RootElement.EnumerateObject())
            {
                var index = Array.IndexOf(VolumeSpec.KindKeys, kind.Name);
                if (index < 0 || kind.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in kind.Value.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    volumes.Add(new VolumeSpec((VolumeKind)index, Text(item, "name") ?? string.Empty, Text(item, "mount_path") ?? string.Empty,
                        HostPath: Text(item, "host_path"), SubPath: Text(item, "sub_path"),
                        ReadOnly: item.TryGetProperty("read_only", out var ro) && (ro.ValueKind == JsonValueKind.True || (ro.ValueKind == JsonValueKind.String && bool.TryParse(ro.GetString(), out var flag) && flag)),
                        Medium: Text(item, "medium")));
                }
            }

            return volumes;
        }
        catch (JsonException)
        {
            return [];
        }

        static string? Text(JsonElement item, string key) =>
            item.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
    }
}

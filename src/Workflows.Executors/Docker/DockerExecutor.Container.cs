using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Logs;
using Workflows.Executors.Scripts;

namespace Workflows.Executors.Docker;

/// <summary>The container a task runs in: its parameters (limits, network, policy refusals) and the script copied into it.</summary>
public sealed partial class DockerExecutor
{
    private static CreateContainerParameters CreateParameters(TaskExecution execution, string image, string name, string workingDirectory)
    {
        var task = execution.Task;
        var container = task.Container!;
        var log = execution.Log;
        var host = new HostConfig { Privileged = task.Privileged };
        if (task.HostNetwork)
        {
            host.NetworkMode = "host";
        }
        else if (!string.IsNullOrWhiteSpace(task.NetworkMode))
        {
            host.NetworkMode = task.NetworkMode.Trim();
        }

        ApplyLimits(host, container.MemoryLimit, container.CpuLimit, log, string.Empty);
        return new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Entrypoint = [],
            Cmd = ["sh", ScriptPath],
            Env = execution.ProcessEnvironment().Select(p => p.Key + "=" + p.Value).ToList(),
            WorkingDir = workingDirectory,
            AttachStdout = true,
            AttachStderr = true,
            Labels = Labels(execution),
            HostConfig = host,
        };
    }

    /// <summary>Sets a container's memory and CPU limits; a limit that does not parse is logged and not applied.</summary>
    private static void ApplyLimits(HostConfig host, string? memory, string? cpu, ITaskLog log, string owner)
    {
        if (memory is not null)
        {
            if (ContainerLimits.TryParseMemory(memory, out var bytes))
            {
                host.Memory = bytes;
            }
            else
            {
                log.Write(LogSource.System, $"{owner}memory limit '{memory}' ignored: not a size such as 512Mi, 1Gi or 256m");
            }
        }

        if (cpu is not null)
        {
            if (ContainerLimits.TryParseCpu(cpu, out var nanoCpus))
            {
                host.NanoCPUs = nanoCpus;
            }
            else
            {
                log.Write(LogSource.System, $"{owner}cpu limit '{cpu}' ignored: not a CPU count such as 0.5, 2 or 500m");
            }
        }
    }

    /// <summary>The refusal of a container the policy does not allow (privileged, host network); null when allowed.</summary>
    private TaskOutcome? Refusal(TaskDefinition task)
    {
        if (task.Privileged && !_policy.AllowPrivilegedContainers)
        {
            return TaskOutcome.Error(ExecutorErrors.ContainerNotAllowed,
                $"Task '{task.TaskType}' asks for a privileged container, which this host does not allow: a privileged container is root on the host. " +
                "Remove 'privileged: true' from the task, or set Workflows:Execution:AllowPrivilegedContainers=true on a host whose definition authors you trust with root.");
        }

        if ((task.HostNetwork || string.Equals(task.NetworkMode?.Trim(), "host", StringComparison.OrdinalIgnoreCase)) && !_policy.AllowHostNetwork)
        {
            return TaskOutcome.Error(ExecutorErrors.ContainerNotAllowed,
                $"Task '{task.TaskType}' asks for the host's network ({(task.HostNetwork ? "host_network: true" : "network_mode: host")}), which this host does not allow: the container would reach the services listening on the host. " +
                "Remove it from the task, or set Workflows:Execution:AllowHostNetwork=true.");
        }

        return null;
    }

    /// <summary>Places the composed script in the created container (readable by its user, whatever the image's user is).</summary>
    private async Task CopyScriptAsync(TaskExecution execution, string id, string? cachePoint, CancellationToken cancellationToken)
    {
        using var tar = new MemoryStream();
        var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            using var script = new MemoryStream(Encoding.UTF8.GetBytes(ShellScript.Compose(execution.Rendered, cachePoint)));
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, ScriptPath.TrimStart('/'))
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = script,
            }, cancellationToken).ConfigureAwait(false);
        }

        tar.Position = 0;
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, tar, cancellationToken).ConfigureAwait(false);
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Logs;
using ServiceSpec = Workflows.Definitions.ServiceSpec;

namespace Workflows.Executors.Docker;

/// <summary>
/// A task's <c>services</c> (formicary's sidecars, which run in the task's Kubernetes pod): the services and the task
/// share one network namespace, as a pod's containers do, so a service is reached at <c>localhost</c> (formicary's
/// examples write <c>tcp://localhost:5432</c>) and by its <c>alias</c> (else its <c>name</c>) on a network of the
/// attempt's own. The first service holds the namespace; the others and the task join it. Started before the task and
/// removed with the network after it; a service with <c>ports</c> is waited for until each port accepts a connection.
/// A service's <c>memory_limit</c> and <c>cpu_limit</c> apply as the task container's do; its volumes are mounted as
/// DockerExecutor.Volumes.cs says.
/// </summary>
public sealed partial class DockerExecutor
{
    /// <summary>The network and containers of one attempt's services; the first container holds the shared namespace.</summary>
    private sealed record ServiceSet(string Network, List<string> Containers)
    {
        /// <summary>The network mode of a container that joins the services' namespace.</summary>
        public string SharedMode => "container:" + Containers[0];
    }

    /// <summary>The refusal of services the task's network settings exclude; null when none.</summary>
    private static TaskOutcome? ServicesRefusal(TaskDefinition task) =>
        task.Services.Count > 0 && (task.HostNetwork || !string.IsNullOrWhiteSpace(task.NetworkMode))
            ? TaskOutcome.Error(ExecutorErrors.ContainerFailed,
                $"Task '{task.TaskType}' has services and {(task.HostNetwork ? "host_network" : $"network_mode '{task.NetworkMode}'")}: services are reached on a network of the task's own. " +
                "Remove the network setting, or the services.")
            : null;

    /// <summary>Creates the attempt's network and starts its services; on failure removes what it made.</summary>
    private async Task<(ServiceSet? Set, TaskOutcome? Failure)> StartServicesAsync(TaskExecution execution, string name, AttemptVolumes volumes, CancellationToken cancellationToken)
    {
        var task = execution.Task;
        var log = execution.Log;
        var set = new ServiceSet(name + "-net", []);
        try
        {
            await _client.Networks.CreateNetworkAsync(
                new NetworksCreateParameters { Name = set.Network, Driver = "bridge", Labels = Labels(execution) }, CancellationToken.None).ConfigureAwait(false);
            log.Write(LogSource.System, $"network {set.Network} created for {task.Services.Count} service{(task.Services.Count == 1 ? string.Empty : "s")}");
            foreach (var service in task.Services)
            {
                var image = await ResolveImageAsync(service.Image.Trim(), log, cancellationToken).ConfigureAwait(false);
                if (image.Error is not null)
                {
                    await StopServicesAsync(set, log).ConfigureAwait(false);
                    return (null, image.Error with { Message = $"Service '{service.Name}' of task '{task.TaskType}': {image.Error.Message}" });
                }

                var alias = Alias(service);
                for (var instance = 1; instance <= Math.Max(1, service.Instances); instance++)
                {
                    await StartServiceAsync(execution, set, volumes, service, image.Name!, instance, cancellationToken).ConfigureAwait(false);
                    if (await WaitForPortsAsync(service, set, cancellationToken).ConfigureAwait(false) is { } port)
                    {
                        await StopServicesAsync(set, log).ConfigureAwait(false);
                        return (null, TaskOutcome.Error(ExecutorErrors.ContainerFailed,
                            $"Service '{service.Name}' of task '{task.TaskType}' did not accept connections on port {port} within {_serviceReadyTimeout.TotalSeconds:0} s: " +
                            "check its image, command and ports (the port its process listens on)."));
                    }

                    var ports = service.Ports.Select(p => TryContainerPort(p, out var number) ? number.ToString(CultureInfo.InvariantCulture) : null).OfType<string>().ToList();
                    log.Write(LogSource.System, $"service '{service.Name}' ({image.Name}) started as {alias} and localhost{(ports.Count > 0 ? ", ready on port " + string.Join(", ", ports) : string.Empty)}");
                }
            }

            return (set, null);
        }
        catch
        {
            await StopServicesAsync(set, log).ConfigureAwait(false);
            throw;
        }
    }

    private static string Alias(ServiceSpec service) => string.IsNullOrWhiteSpace(service.Alias) ? service.Name : service.Alias.Trim();

    private async Task StartServiceAsync(TaskExecution execution, ServiceSet set, AttemptVolumes volumes, ServiceSpec service, string image, int instance, CancellationToken cancellationToken)
    {
        var host = new HostConfig { NetworkMode = set.Containers.Count == 0 ? set.Network : set.SharedMode, Privileged = execution.Task.Privileged };
        ApplyLimits(host, service.MemoryLimit, service.CpuLimit, execution.Log, $"service '{service.Name}': ");
        var mounts = await MountsAsync(execution, volumes, service.Volumes, $"service '{service.Name}'").ConfigureAwait(false);
        if (mounts.Count > 0)
        {
            host.Mounts = mounts;
        }

        var labels = Labels(execution);
        labels["workflows.service"] = service.Name;
        var holder = set.Containers.Count == 0;
        var parameters = new CreateContainerParameters
        {
            Name = $"{set.Network[..^"-net".Length]}-svc-{NamePart(service.Name)}-{instance.ToString(CultureInfo.InvariantCulture)}",
            Image = image,
            Env = execution.ProcessEnvironment().Select(p => p.Key + "=" + p.Value).ToList(),
            Labels = labels,
            HostConfig = host,
        };
        if (holder)
        {
            // The namespace's one endpoint answers to every service's name.
            parameters.NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings>(StringComparer.Ordinal)
                {
                    [set.Network] = new EndpointSettings { Aliases = execution.Task.Services.Select(Alias).Distinct(StringComparer.Ordinal).ToList() },
                },
            };
        }

        if (service.Entrypoint.Count > 0)
        {
            parameters.Entrypoint = service.Entrypoint.ToList();
        }

        if (service.Command.Count > 0)
        {
            parameters.Cmd = service.Command.ToList();
        }

        if (!string.IsNullOrWhiteSpace(service.WorkingDirectory))
        {
            parameters.WorkingDir = service.WorkingDirectory;
        }

        // Created and started without cancellation, as the task's container is: an engine that got the request would
        // hold a container nobody removes. Cancellation is observed right after.
        var created = await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
        set.Containers.Add(created.ID);
        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The first declared port that did not accept a connection in time; null when all did (or none are declared).</summary>
    private async Task<string?> WaitForPortsAsync(ServiceSpec service, ServiceSet set, CancellationToken cancellationToken)
    {
        if (service.Ports.Count == 0)
        {
            return null;
        }

        var inspected = await _client.Containers.InspectContainerAsync(set.Containers[0], cancellationToken).ConfigureAwait(false);
        var address = inspected.NetworkSettings?.Networks is { } networks && networks.TryGetValue(set.Network, out var endpoint) ? endpoint.IPAddress : null;
        if (string.IsNullOrEmpty(address))
        {
            return service.Ports[0];
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_serviceReadyTimeout);
        foreach (var declared in service.Ports)
        {
            if (!TryContainerPort(declared, out var port))
            {
                continue;
            }

            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(address, port, deadline.Token).ConfigureAwait(false);
                    break;
                }
                catch (SocketException)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        return declared;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return declared;
                }
            }
        }

        return null;
    }

    /// <summary>The container side of a port entry: <c>8080</c>, <c>8080/tcp</c>, <c>6379:6379</c> (host:container), or formicary's <c>{number: 6379}</c>.</summary>
    internal static bool TryContainerPort(string declared, out int port)
    {
        var text = declared.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                text = json.RootElement.TryGetProperty("number", out var number) ? number.ToString() : string.Empty;
            }
            catch (JsonException)
            {
                text = string.Empty;
            }
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        var colon = text.LastIndexOf(':');
        return int.TryParse(colon >= 0 ? text[(colon + 1)..] : text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
    }

    /// <summary>Removes the services' containers, then their network; failures are logged, never thrown.</summary>
    private async Task StopServicesAsync(ServiceSet set, ITaskLog log)
    {
        foreach (var id in set.Containers)
        {
            await RemoveAsync(id, log).ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(RemoveTimeout);
        try
        {
            await _client.Networks.DeleteNetworkAsync(set.Network, timeout.Token).ConfigureAwait(false);
            log.Write(LogSource.System, $"network {set.Network} removed");
        }
        catch (global::Docker.DotNet.DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Never created.
        }
        catch (Exception e) when (e is OperationCanceledException || IsEngineFailure(e, CancellationToken.None))
        {
            log.Write(LogSource.System, $"network {set.Network} not removed: {e.Message}");
        }
    }

    private static Dictionary<string, string> Labels(TaskExecution execution) => new(StringComparer.Ordinal)
    {
        ["workflows.job"] = execution.JobId,
        ["workflows.task"] = execution.Task.TaskType,
        ["workflows.attempt"] = execution.Attempt.ToString(CultureInfo.InvariantCulture),
    };
}

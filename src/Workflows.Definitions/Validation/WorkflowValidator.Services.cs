using System.Collections.Generic;
using System.Globalization;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        /// <summary>A task's <c>services</c>: their limits parse as the container's do, and each volume can be mounted as written.</summary>
        private static void CheckServices(JobDefinition job, List<Problem> problems)
        {
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                for (var s = 0; s < task.Services.Count; s++)
                {
                    var service = task.Services[s];
                    var at = "[" + s.ToString(CultureInfo.InvariantCulture) + "]";
                    void Report(string key, string what, string fix) =>
                        problems.Add(WorkflowDiagnostics.InvalidService.Create(At(task, i, "services", at + "." + key), task.TaskType, service.Name, what, fix));

                    foreach (var (key, memory) in new[] { ("memory_limit", service.MemoryLimit), ("memory_request", service.MemoryRequest) })
                    {
                        if (memory is not null && !ResourceQuantities.TryParseMemory(memory, out _))
                        {
                            Report(key, $"{key} = '{memory}'", "it is not a size. Use a size such as 512Mi, 1Gi or 256m.");
                        }
                    }

                    foreach (var (key, cpu) in new[] { ("cpu_limit", service.CpuLimit), ("cpu_request", service.CpuRequest) })
                    {
                        if (cpu is not null && !ResourceQuantities.TryParseCpu(cpu, out _))
                        {
                            Report(key, $"{key} = '{cpu}'", "it is not a CPU count. Use a CPU count such as 0.5, 2 or 500m.");
                        }
                    }

                    foreach (var volume in service.Volumes)
                    {
                        var kind = VolumeSpec.KeyOf(volume.Kind);
                        if (string.IsNullOrWhiteSpace(volume.Name))
                        {
                            Report("volumes", $"a volume without a name under {kind}", $"name it: '- name: data' under 'volumes: {kind}:' (an empty_dir of the same name in the task's container is shared with it).");
                        }
                        else if (string.IsNullOrWhiteSpace(volume.MountPath) || !volume.MountPath.Trim().StartsWith("/", System.StringComparison.Ordinal))
                        {
                            Report("volumes", $"{kind} volume '{volume.Name}' mounted at '{volume.MountPath}'",
                                $"a mount path must be an absolute path in the container. Write 'mount_path: /{volume.Name}'.");
                        }
                        else if (volume.Kind == VolumeKind.HostPath && string.IsNullOrWhiteSpace(volume.HostPath))
                        {
                            Report("volumes", $"host_path volume '{volume.Name}' without a host_path",
                                "say which host folder it is: 'host_path: /shared'. (Docker hosts mount no host folders: share files with the task through an empty_dir volume.)");
                        }
                    }
                }
            }
        }
    }
}

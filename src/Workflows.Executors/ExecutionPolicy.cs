using System.ComponentModel.DataAnnotations;
using Workflows.Definitions;

namespace Workflows.Executors;

/// <summary>
/// What a host lets tasks do on its machine (configuration section <c>Workflows:Execution</c>). The defaults are the
/// least privilege: no SHELL tasks, SHELL tasks of a root host run as <c>nobody</c>, containers are neither privileged
/// nor on the host's network. A task the policy refuses fails at once with <see cref="ExecutorErrors.MethodNotAllowed"/>
/// or <see cref="ExecutorErrors.ContainerNotAllowed"/> and a message naming the option to set. Documented in docs/executors.md.
/// </summary>
public sealed class ExecutionPolicy
{
    /// <summary>
    /// Run SHELL tasks: scripts on the host itself (<c>Workflows:Execution:AllowShell=true</c>). Anyone who may upload a
    /// definition may then run commands on this machine as <see cref="RunAs"/>.
    /// </summary>
    /// <value>Default: false (a SHELL task fails with <c>ERR_METHOD_NOT_ALLOWED</c>).</value>
    public bool AllowShell { get; set; }

    /// <summary>
    /// The user SHELL tasks run as when the host runs as root: a user name from <c>/etc/passwd</c> or a numeric
    /// <c>uid</c> or <c>uid:gid</c>. Ignored when the host does not run as root (tasks run as the host's user).
    /// </summary>
    /// <value>Default: <c>nobody</c>.</value>
    [Required(ErrorMessage = "Execution:RunAs is required: set Workflows:Execution:RunAs to an unprivileged user such as 'nobody'.")]
    [RegularExpression("^([a-z_][a-z0-9_.-]*[$]?|[0-9]+(:[0-9]+)?)$",
        ErrorMessage = "Execution:RunAs must be a user name (e.g. 'nobody') or a numeric uid or uid:gid (e.g. '65534:65534').")]
    public string RunAs { get; set; } = "nobody";

    /// <summary>
    /// Let SHELL tasks of a root host run as root (<see cref="RunAs"/> is then not used). Only for hosts whose every
    /// definition author is trusted with root.
    /// </summary>
    /// <value>Default: false.</value>
    public bool AllowRoot { get; set; }

    /// <summary>Run containers of tasks with <c>privileged: true</c> (such a container is root on the host).</summary>
    /// <value>Default: false (the task fails with <c>ERR_CONTAINER_NOT_ALLOWED</c>).</value>
    public bool AllowPrivilegedContainers { get; set; }

    /// <summary>Run containers of tasks with <c>host_network: true</c> or <c>network_mode: host</c> (they reach the host's local services).</summary>
    /// <value>Default: false (the task fails with <c>ERR_CONTAINER_NOT_ALLOWED</c>).</value>
    public bool AllowHostNetwork { get; set; }

    /// <summary>
    /// The hosts HTTP tasks may call (SSRF): exact names or IP literals, or <c>*.example.com</c> for its subdomains
    /// (<c>Workflows:Execution:HttpAllowedHosts:0=api.example.com</c>). Checked against the URL, and again against the
    /// host of every connection (so a redirect to another host is checked too). Empty: any host.
    /// </summary>
    /// <value>Default: empty (any host, except the local addresses <see cref="HttpAllowLocalAddresses"/> refuses).</value>
    public IList<string> HttpAllowedHosts { get; } = new List<string>();

    /// <summary>
    /// Let HTTP tasks connect to loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, including the cloud metadata
    /// address 169.254.169.254, and fe80::/10) and unspecified (0.0.0.0, ::) addresses. Checked after DNS resolution,
    /// so a name that resolves to such an address is refused too. The targets of <c>Workflows:HttpRedirects</c> are
    /// chosen by the host's operator and always allowed.
    /// </summary>
    /// <value>Default: false (such a task fails with <c>ERR_HTTP_NOT_ALLOWED</c>).</value>
    public bool HttpAllowLocalAddresses { get; set; }

    /// <summary>
    /// What this policy refuses in a definition, one sentence per task that names the option to set: for an upload or a
    /// submit to answer with a warning (another host with another policy may still run the job, so it is not an error).
    /// </summary>
    /// <param name="definition">The definition.</param>
    public IReadOnlyList<string> Refusals(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var refusals = new List<string>();
        foreach (var task in definition.Tasks)
        {
            if (task.EffectiveMethod == TaskMethod.Shell && !AllowShell)
            {
                refusals.Add($"Task '{task.TaskType}' uses SHELL, which this host does not allow: it fails with {ExecutorErrors.MethodNotAllowed} here unless Workflows:Execution:AllowShell=true.");
            }

            if (task.EffectiveMethod is TaskMethod.Docker or TaskMethod.Kubernetes)
            {
                if (task.Privileged && !AllowPrivilegedContainers)
                {
                    refusals.Add($"Task '{task.TaskType}' asks for a privileged container, which this host does not allow: it fails with {ExecutorErrors.ContainerNotAllowed} here unless Workflows:Execution:AllowPrivilegedContainers=true.");
                }

                if ((task.HostNetwork || string.Equals(task.NetworkMode?.Trim(), "host", StringComparison.OrdinalIgnoreCase)) && !AllowHostNetwork)
                {
                    refusals.Add($"Task '{task.TaskType}' asks for the host's network, which this host does not allow: it fails with {ExecutorErrors.ContainerNotAllowed} here unless Workflows:Execution:AllowHostNetwork=true.");
                }

                var hostPaths = Docker.DockerExecutor.ContainerVolumes(task.Container).Select(v => (Owner: "its container", Volume: v))
                    .Concat(task.Services.SelectMany(service => service.Volumes.Select(v => (Owner: $"service '{service.Name}'", Volume: v))))
                    .Where(v => v.Volume.Kind == VolumeKind.HostPath)
                    .Select(v => $"{v.Volume.Name} of {v.Owner} ({v.Volume.HostPath})")
                    .ToList();
                if (hostPaths.Count > 0)
                {
                    refusals.Add($"Task '{task.TaskType}' has host_path volumes ({string.Join(", ", hostPaths)}), which this host never mounts: the containers run without them. Share files between the task and its services with an empty_dir volume.");
                }
            }
        }

        return refusals;
    }

    /// <summary>Every problem of the settings, as sentences that name the option and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        var problems = results.Select(r => r.ErrorMessage ?? "Execution is invalid.").ToList();
        if (problems.Count == 0 && ProcessUser.IsRoot && !AllowRoot && ProcessUser.Resolve(RunAs) is null)
        {
            problems.Add($"Execution:RunAs is '{RunAs}', which is not a user of this machine (/etc/passwd): create the user, set Workflows:Execution:RunAs to an existing unprivileged user, or give a numeric uid:gid.");
        }

        return problems;
    }
}

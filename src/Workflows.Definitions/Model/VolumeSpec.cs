namespace Workflows.Definitions
{
    /// <summary>The kinds of formicary's container and service <c>volumes</c> (its Kubernetes volume kinds, one YAML key each).</summary>
    public enum VolumeKind
    {
        /// <summary><c>empty_dir</c>: scratch space of the attempt, shared by name between the task's container and its services.</summary>
        EmptyDir,

        /// <summary><c>host_path</c>: a folder of the host machine.</summary>
        HostPath,

        /// <summary><c>pvc</c>: a Kubernetes persistent volume claim.</summary>
        Pvc,

        /// <summary><c>config_map</c>: a Kubernetes config map.</summary>
        ConfigMap,

        /// <summary><c>secret</c>: a Kubernetes secret.</summary>
        Secret,

        /// <summary><c>projected</c>: a Kubernetes projected volume.</summary>
        Projected,
    }

    /// <summary>One volume of a service (<c>volumes: empty_dir: - name: certs, mount_path: /certs</c>).</summary>
    /// <param name="Kind">Its kind (the key it is listed under).</param>
    /// <param name="Name">Its name; an <c>empty_dir</c> of the same name in the task's container is the same volume.</param>
    /// <param name="MountPath">Where it is mounted in the container (absolute).</param>
    /// <param name="HostPath">The host folder of a <c>host_path</c> volume.</param>
    /// <param name="SubPath">The volume's sub-folder to mount.</param>
    /// <param name="ReadOnly">Mounted read-only.</param>
    /// <param name="Medium">An <c>empty_dir</c>'s medium (<c>Memory</c>).</param>
    /// <param name="Options">Other keys (<c>items</c>, <c>sources</c>) kept verbatim as JSON text.</param>
    public sealed record VolumeSpec(
        VolumeKind Kind,
        string Name,
        string MountPath,
        string? HostPath = null,
        string? SubPath = null,
        bool ReadOnly = false,
        string? Medium = null,
        EquatableArray<NamedValue> Options = default)
    {
        /// <summary>The YAML keys of the kinds, in <see cref="VolumeKind"/> order.</summary>
        public static readonly string[] KindKeys = { "empty_dir", "host_path", "pvc", "config_map", "secret", "projected" };

        /// <summary>The YAML key of a kind (<c>empty_dir</c>, <c>host_path</c>, …).</summary>
        /// <param name="kind">The kind.</param>
        public static string KeyOf(VolumeKind kind) => (int)kind >= 0 && (int)kind < KindKeys.Length ? KindKeys[(int)kind] : kind.ToString();
    }
}

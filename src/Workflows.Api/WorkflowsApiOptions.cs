using System.ComponentModel.DataAnnotations;

namespace Workflows.Api;

/// <summary>Settings of the HTTP API (configuration section <c>Workflows:Api</c> in the host).</summary>
public sealed class WorkflowsApiOptions
{
    /// <summary>The largest request body accepted (a definition or a job request); larger ones are answered 413.</summary>
    /// <value>Default: 1 MiB.</value>
    [Range(1024, 64L * 1024 * 1024, ErrorMessage = "MaxBodyBytes must be between 1 KiB and 64 MiB.")]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Failed sign-ins (wrong, malformed or revoked tokens, on the API or the dashboard's sign-in form) one client address may
    /// make within <see cref="SignInFailureWindow"/>; then its sign-ins are answered 429 with <c>Retry-After</c> until the window ends.
    /// </summary>
    /// <value>Default: 10.</value>
    [Range(1, 1_000_000, ErrorMessage = "SignInFailureLimit must be between 1 and 1,000,000.")]
    public int SignInFailureLimit { get; set; } = 10;

    /// <summary>The window of <see cref="SignInFailureLimit"/>, from an address's first failure in it.</summary>
    /// <value>Default: one minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "SignInFailureWindow must be between 1 second and 1 day.")]
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}

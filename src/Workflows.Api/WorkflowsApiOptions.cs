using System.ComponentModel.DataAnnotations;

namespace Workflows.Api;

/// <summary>Settings of the HTTP API (configuration section <c>Workflows:Api</c> in the host).</summary>
public sealed class WorkflowsApiOptions
{
    /// <summary>The largest request body accepted (a definition or a job request); larger ones are answered 413.</summary>
    /// <value>Default: 1 MiB.</value>
    [Range(1024, 64L * 1024 * 1024, ErrorMessage = "MaxBodyBytes must be between 1 KiB and 64 MiB.")]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
}

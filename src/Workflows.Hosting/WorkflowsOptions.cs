using System.ComponentModel.DataAnnotations;

namespace Workflows;

/// <summary>Settings of the Workflows runtime in a host; validated when the host starts, every bad field listed at once.</summary>
public sealed class WorkflowsOptions
{
    /// <summary>The PostgreSQL connection string (<c>ConnectionStrings:Workflows</c>).</summary>
    /// <value>Required: the embedded default cluster is not written yet.</value>
    [Required(ErrorMessage = "ConnectionString is required: set ConnectionStrings:Workflows (the embedded PostgreSQL default is not available yet).")]
    public string? ConnectionString { get; set; }

    /// <summary>The database schema of the job streams, views and due-task rows.</summary>
    /// <value>Default: <c>workflows</c>.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]*$", ErrorMessage = "Schema must be a lower-case PostgreSQL identifier, e.g. 'workflows'.")]
    public string Schema { get; set; } = "workflows";

    /// <summary>How many worker loops claim and run tasks in this process.</summary>
    /// <value>Default: 2.</value>
    [Range(1, 256, ErrorMessage = "WorkerCount must be between 1 and 256.")]
    public int WorkerCount { get; set; } = 2;

    /// <summary>How long a claim holds before another worker may take the attempt (a dead worker's tasks run again after it).</summary>
    /// <value>Default: 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Lease must be between 1 second and 1 day.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an idle worker waits before looking for due work again.</summary>
    /// <value>Default: 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "PollInterval must be between 10 ms and 1 minute.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}

using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>A job's state folded from its stream, and the stream version it was folded at (0: no stream yet).</summary>
/// <param name="State">The folded state.</param>
/// <param name="Version">The stream's version when it was read or last written by this process.</param>
public sealed record JobSnapshot(JobState State, long Version)
{
    /// <summary>A job that does not exist yet.</summary>
    public static JobSnapshot New { get; } = new(JobState.Initial, 0);
}

/// <summary>What one write to a job did.</summary>
/// <param name="Snapshot">The job after the write (or as read, when nothing was written).</param>
/// <param name="Events">The events recorded (none when the decider refused the command).</param>
/// <param name="Started">The attempt this write also started, leased to the writer, which should run it now.</param>
public sealed record JobStep(JobSnapshot Snapshot, IReadOnlyList<JobEvent> Events, ClaimedTask? Started);

/// <summary>A due row written already leased: to a worker that starts the attempt in the same write, or to this process's local queue.</summary>
/// <param name="Kind">The row's kind.</param>
/// <param name="TaskType">The row's task (empty for a job's start).</param>
/// <param name="Owner">Who holds the lease.</param>
/// <param name="Until">When the lease lapses (then any worker may claim the row).</param>
internal sealed record RowLease(ClaimKind Kind, string TaskType, string Owner, DateTimeOffset Until)
{
    /// <summary>The lease of a claimed row, held by <paramref name="owner"/>.</summary>
    public static RowLease Of(ClaimedTask claim, string owner) => new(claim.Kind, claim.TaskType, owner, claim.LeaseUntil);
}

namespace Workflows.Executors.FanOut;

/// <summary>
/// The job mode of <c>fan_out</c> (<c>fan_out.fork_job_type</c> set): one child job per item, linked to the fanning-out
/// job and task like a FORK_JOB child. The runner schedules the items (max_parallel, fail_fast) and aggregates them; this
/// forks and waits for one.
/// </summary>
public interface IFanOutJobs
{
    /// <summary>
    /// Forks the job of item <paramref name="index"/> (with the item as the param named <c>item_var</c>), the same child
    /// each time this attempt and index run, and waits until it ends: exit 0 when it completed, else its error.
    /// The outcome's outputs are the child's job context (mapped by <c>sub_workflow.output_variables</c> when it has any).
    /// </summary>
    /// <param name="execution">The fan-out attempt.</param>
    /// <param name="index">The item's index in the source array, from 0.</param>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Stops the wait (the child is left running: see <see cref="CancelAsync"/>).</param>
    Task<TaskOutcome> RunAsync(TaskExecution execution, int index, string item, CancellationToken cancellationToken);

    /// <summary>Cancels the job of item <paramref name="index"/> of this attempt if it was forked and has not ended.</summary>
    /// <param name="execution">The fan-out attempt.</param>
    /// <param name="index">The item's index.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task CancelAsync(TaskExecution execution, int index, CancellationToken cancellationToken);
}

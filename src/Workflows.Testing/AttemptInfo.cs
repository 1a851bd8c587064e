namespace Workflows.Testing;

/// <summary>What a scripted outcome may depend on: which run of the task this is, and when.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Run">This task's run in the whole job, from 1 (task retries, polls and job retries all count).</param>
/// <param name="Attempt">The task attempt, from 1 (a job retry starts it again at 1; polls keep it).</param>
/// <param name="JobAttempt">The job attempt, from 0 (job retries and RESTART_JOB add one).</param>
/// <param name="Elapsed">Virtual time since the job started.</param>
public sealed record AttemptInfo(string TaskType, int Run, int Attempt, int JobAttempt, TimeSpan Elapsed);

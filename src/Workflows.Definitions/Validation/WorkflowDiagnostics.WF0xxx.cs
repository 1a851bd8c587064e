namespace Workflows.Definitions
{
    /// <summary>WF00xx: job structure. WF01xx: routes between tasks (the DAG).</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="EmptyJob"/>.</summary>
        public const string EmptyJobId = "WF0001";

        /// <summary>Id of <see cref="MissingJobType"/>.</summary>
        public const string MissingJobTypeId = "WF0002";

        /// <summary>Id of <see cref="DuplicateJobType"/>.</summary>
        public const string DuplicateJobTypeId = "WF0003";

        /// <summary>Id of <see cref="TooManyTasks"/>.</summary>
        public const string TooManyTasksId = "WF0004";

        /// <summary>Id of <see cref="MissingTaskName"/>.</summary>
        public const string MissingTaskNameId = "WF0005";

        /// <summary>Id of <see cref="JobTypeInSeveralFiles"/>.</summary>
        public const string JobTypeInSeveralFilesId = "WF0006";

        /// <summary>Id of <see cref="UnknownTask"/>.</summary>
        public const string UnknownTaskId = "WF0101";

        /// <summary>Id of <see cref="DuplicateTask"/>.</summary>
        public const string DuplicateTaskId = "WF0102";

        /// <summary>Id of <see cref="Cycle"/>.</summary>
        public const string CycleId = "WF0103";

        /// <summary>Id of <see cref="UnreachableTask"/>.</summary>
        public const string UnreachableTaskId = "WF0104";

        /// <summary>The most tasks a job may have (as in formicary).</summary>
        public const int MaxTasks = 100;

        /// <summary>WF0001: a job with no tasks.</summary>
        public static readonly ProblemDescriptor EmptyJob = Rule(EmptyJobId, "Job has no tasks",
            "Job '{0}' has no tasks. Add at least one: .Task(\"name\") in C#, or a 'tasks:' list in YAML.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0002: a job with no job type.</summary>
        public static readonly ProblemDescriptor MissingJobType = Rule(MissingJobTypeId, "Job has no job type",
            "The job has no job type. Name it: [Workflow(\"my-job\")] in C#, or 'job_type: my-job' in YAML.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0003: two definitions with the same job type.</summary>
        public static readonly ProblemDescriptor DuplicateJobType = Rule(DuplicateJobTypeId, "Duplicate job type",
            "Job type '{0}' is defined {1} times. Job types must be unique: rename all but one.",
            ProblemSeverity.Error, Dag);

        /// <summary>
        /// WF0006: YAML files checked together define one job type. Uploaded, or loaded from a host's definitions folder,
        /// each becomes a version of that type (as in formicary), so it is not refused; but the last one loaded is the one
        /// that runs, which is rarely what two different files meant.
        /// </summary>
        public static readonly ProblemDescriptor JobTypeInSeveralFiles = Rule(JobTypeInSeveralFilesId, "Job type in several files",
            "Job type '{0}' is defined by {1} files ({2}). Uploaded, or loaded from one Workflows:Definitions folder, each becomes a version of it and the last one loaded is the one that runs. Keep one file, or give each job its own job_type.",
            ProblemSeverity.Warning, Dag);

        /// <summary>WF0004: more tasks than a job may have.</summary>
        public static readonly ProblemDescriptor TooManyTasks = Rule(TooManyTasksId, "Too many tasks",
            "Job '{0}' has {1} tasks; at most {2} are allowed. Split it into jobs linked with FORK_JOB.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0005: a task with no name.</summary>
        public static readonly ProblemDescriptor MissingTaskName = Rule(MissingTaskNameId, "Task has no name",
            "Task #{0} of job '{1}' has no name. Name it: .Task(\"build\") in C#, or 'task_type: build' in YAML.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0101: a route (or dependency) names a task that does not exist.</summary>
        public static readonly ProblemDescriptor UnknownTask = Rule(UnknownTaskId, "Unknown task",
            "Task '{0}' refers to unknown task '{1}' in {2}.{3}",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0102: two tasks share a name.</summary>
        public static readonly ProblemDescriptor DuplicateTask = Rule(DuplicateTaskId, "Duplicate task name",
            "Task name '{0}' is used by {1} tasks of job '{2}'. Task names must be unique within a job: rename this one.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0103: routes form a loop.</summary>
        public static readonly ProblemDescriptor Cycle = Rule(CycleId, "Cycle in task routes",
            "Task '{0}' routes back to '{1}' in {2}, closing the cycle {3}. Routes must not loop: to run a task again, map its exit code to RESTART_TASK, RESTART_JOB or EXECUTING.",
            ProblemSeverity.Error, Dag);

        /// <summary>WF0104: a task no route leads to.</summary>
        public static readonly ProblemDescriptor UnreachableTask = Rule(UnreachableTaskId, "Unreachable task",
            "Task '{0}' is never reached: no route leads to it from the first task '{1}'. Route to it (on_completed, on_failed, on_exit or on_exit_code), mark it always_run for cleanup, or remove it.",
            ProblemSeverity.Error, Dag);
    }
}

using System;
using System.Text.RegularExpressions;

namespace Workflows
{
    /// <summary>What a task's exit code leads to.</summary>
    public enum ExitActionKind
    {
        /// <summary>The task succeeds whatever the code (<c>COMPLETED</c>).</summary>
        Completed,

        /// <summary>The task fails; task retries apply (<c>FAILED</c>).</summary>
        Failed,

        /// <summary>The job fails at once with <c>ERR_FATAL</c>: no task or job retries (<c>FATAL</c>).</summary>
        Fatal,

        /// <summary>The task runs again, consuming one task retry (<c>RESTART_TASK</c>).</summary>
        RestartTask,

        /// <summary>The job starts again from its first task, consuming one job retry (<c>RESTART_JOB</c>).</summary>
        RestartJob,

        /// <summary>The task keeps polling: it runs again after its delay until another outcome or its timeout (<c>EXECUTING</c>).</summary>
        Executing,

        /// <summary>The job pauses and resumes after its pause time (<c>PAUSE_JOB</c>).</summary>
        PauseJob,

        /// <summary>The task fails with a custom error code such as <c>ERR_XYZ</c>.</summary>
        ErrorCode,

        /// <summary>The job branches to the named task; the task counts as completed through that branch.</summary>
        GoToTask,
    }

    /// <summary>
    /// The action an exit code maps to: a reserved word (<see cref="Completed"/>, <see cref="Fatal"/>, …),
    /// a custom error code (<c>ERR_*</c>) or the name of the next task. Equatable and immutable.
    /// </summary>
    /// <remarks>Use <c>using static Workflows.ExitAction;</c> to write <c>OnExitCode(2, RestartTask)</c>.</remarks>
    public sealed record ExitAction
    {
        private static readonly Regex ErrorCodePattern = new Regex("^ERR_[A-Z0-9_]*[A-Z0-9]$", RegexOptions.CultureInvariant);

        private ExitAction(ExitActionKind kind, string? value)
        {
            Kind = kind;
            Value = value;
        }

        /// <summary>The task succeeds whatever the code.</summary>
        public static readonly ExitAction Completed = new ExitAction(ExitActionKind.Completed, null);

        /// <summary>The task fails; task retries apply.</summary>
        public static readonly ExitAction Failed = new ExitAction(ExitActionKind.Failed, null);

        /// <summary>The job fails at once with <c>ERR_FATAL</c>; no task or job retries.</summary>
        public static readonly ExitAction Fatal = new ExitAction(ExitActionKind.Fatal, null);

        /// <summary>The task runs again after its delay, consuming one task retry.</summary>
        public static readonly ExitAction RestartTask = new ExitAction(ExitActionKind.RestartTask, null);

        /// <summary>The job starts again from its first task, consuming one job retry.</summary>
        public static readonly ExitAction RestartJob = new ExitAction(ExitActionKind.RestartJob, null);

        /// <summary>The task keeps polling until another outcome or its timeout.</summary>
        public static readonly ExitAction Executing = new ExitAction(ExitActionKind.Executing, null);

        /// <summary>The job pauses and resumes after its pause time.</summary>
        public static readonly ExitAction PauseJob = new ExitAction(ExitActionKind.PauseJob, null);

        /// <summary>The kind of action.</summary>
        public ExitActionKind Kind { get; }

        /// <summary>The error code (for <see cref="ExitActionKind.ErrorCode"/>) or task name (for <see cref="ExitActionKind.GoToTask"/>); otherwise null.</summary>
        public string? Value { get; }

        /// <summary>True when the action fails the task (or the job).</summary>
        public bool IsFailure => Kind is ExitActionKind.Failed or ExitActionKind.Fatal or ExitActionKind.ErrorCode
            or ExitActionKind.RestartTask or ExitActionKind.RestartJob;

        /// <summary>The reserved words, as written in YAML.</summary>
        public static readonly string[] ReservedWords =
            { "COMPLETED", "FAILED", "FATAL", "RESTART_TASK", "RESTART_JOB", "EXECUTING", "PAUSE_JOB" };

        /// <summary>A custom error code: the task fails with this code, recorded on the job.</summary>
        /// <param name="code">The code, <c>ERR_</c> followed by upper-case letters, digits or underscores.</param>
        public static ExitAction Error(string code) => new ExitAction(ExitActionKind.ErrorCode, code);

        /// <summary>Branch to the named task.</summary>
        /// <param name="taskType">The next task's name.</param>
        public static ExitAction GoTo(string taskType) => new ExitAction(ExitActionKind.GoToTask, taskType);

        /// <summary>The action of a kind (and its error code or task name), as stored: the inverse of <see cref="Kind"/> and <see cref="Value"/>.</summary>
        /// <param name="kind">The kind.</param>
        /// <param name="value">The error code or task name, for those kinds.</param>
        public static ExitAction Of(ExitActionKind kind, string? value) => kind switch
        {
            ExitActionKind.Completed => Completed,
            ExitActionKind.Failed => Failed,
            ExitActionKind.Fatal => Fatal,
            ExitActionKind.RestartTask => RestartTask,
            ExitActionKind.RestartJob => RestartJob,
            ExitActionKind.Executing => Executing,
            ExitActionKind.PauseJob => PauseJob,
            ExitActionKind.ErrorCode => Error(value ?? throw new ArgumentNullException(nameof(value))),
            ExitActionKind.GoToTask => GoTo(value ?? throw new ArgumentNullException(nameof(value))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown exit action kind."),
        };

        /// <summary>
        /// Reads a YAML-style target: a reserved word (exact case), anything starting with <c>ERR_</c>
        /// (an error code, possibly malformed — the validator says so), or else a task name.
        /// </summary>
        /// <param name="text">The target as written.</param>
        public static ExitAction Parse(string text)
        {
            if (text is null)
            {
                throw new ArgumentNullException(nameof(text));
            }

            switch (text)
            {
                case "COMPLETED": return Completed;
                case "FAILED": return Failed;
                case "FATAL": return Fatal;
                case "RESTART_TASK": return RestartTask;
                case "RESTART_JOB": return RestartJob;
                case "EXECUTING": return Executing;
                case "PAUSE_JOB": return PauseJob;
            }

            return text.StartsWith("ERR_", StringComparison.OrdinalIgnoreCase) ? Error(text) : GoTo(text);
        }

        /// <summary>True when <paramref name="code"/> is a well-formed custom error code (<c>ERR_[A-Z0-9_]+</c>).</summary>
        /// <param name="code">The code to check.</param>
        public static bool IsWellFormedErrorCode(string code) => code is not null && ErrorCodePattern.IsMatch(code);

        /// <summary>The target as written in YAML: the reserved word, the error code or the task name.</summary>
        public override string ToString() => Kind switch
        {
            ExitActionKind.Completed => "COMPLETED",
            ExitActionKind.Failed => "FAILED",
            ExitActionKind.Fatal => "FATAL",
            ExitActionKind.RestartTask => "RESTART_TASK",
            ExitActionKind.RestartJob => "RESTART_JOB",
            ExitActionKind.Executing => "EXECUTING",
            ExitActionKind.PauseJob => "PAUSE_JOB",
            _ => Value ?? string.Empty,
        };
    }
}

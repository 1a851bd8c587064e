using System.Collections.Generic;

namespace Workflows.Templates
{
    /// <summary>
    /// The variables and functions a template may use: what the runtime provides when it renders a task for an attempt
    /// (formicary's set, FORMICARY-FORMAT.md §6), shared by the compile-time checks, the YAML importer and the renderer.
    /// Request parameters, job variables and task variables are added per definition.
    /// </summary>
    public static class TemplateVocabulary
    {
        /// <summary>Variables set for every render (per attempt: <c>Nonce</c>, <c>JobElapsedSecs</c>, <c>JobRetry</c>, <c>TaskRetry</c>).</summary>
        public static IReadOnlyCollection<string> Variables { get; } = new HashSet<string>
        {
            "JobID", "JobType", "JobRetry", "JobElapsedSecs", "TaskType", "TaskRetry", "Nonce", "UserID", "OrganizationID",
            "DateYear", "DateMonth", "DateDay", "YearDay", "FullDate", "EpochSecs", "UnescapeHTML",
        };

        /// <summary>Functions callable from templates (formicary's, with the same names).</summary>
        public static IReadOnlyCollection<string> Functions { get; } = new HashSet<string>
        {
            "Random", "Iterate", "Add", "Dict", "default", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix", "lower", "upper",
            "contains", "replace", "Unescape", "MarkdownLink", "formatTime", "FormatTime", "Percent100", "CountByJobTypeAndState",
            "SubmitJob", "SubmitJobsFromJSON", "atoi", "atof", "urlquery", "printf", "print", "println", "len", "index", "slice",
            "html", "js", "shell_quote",
        };

        /// <summary>
        /// Functions whose result the shell cannot read as code: <c>shell_quote</c> quotes, the others return numbers,
        /// booleans or URL-escaped text. A request param passed through one of them is not reported by WF3004.
        /// </summary>
        public static IReadOnlyCollection<string> ShellSafeFunctions { get; } = new HashSet<string>
        {
            "shell_quote", "urlquery", "atoi", "atof", "Add", "len", "Random", "Percent100", "contains", "hasPrefix", "hasSuffix",
        };

        /// <summary>Scriban's built-in objects, reachable with a dot (<c>string.upcase</c>, <c>math.round</c>, …).</summary>
        public static IReadOnlyCollection<string> BuiltinObjects { get; } = new HashSet<string>
        {
            "array", "date", "html", "math", "object", "regex", "string", "timespan", "empty", "null", "true", "false",

            // Scriban's loop object (for.index, for.first, …), which the Go translation of range uses.
            "for",
        };
    }
}

namespace Workflows.Definitions
{
    /// <summary>WF4xxx: YAML import (the legacy formicary format), reported with a line and column.</summary>
    public static partial class WorkflowDiagnostics
    {
        private const string Yaml = "Yaml";

        /// <summary>Id of <see cref="MalformedYaml"/>.</summary>
        public const string MalformedYamlId = "WF4001";

        /// <summary>Id of <see cref="UnknownKey"/>.</summary>
        public const string UnknownKeyId = "WF4002";

        /// <summary>Id of <see cref="WrongValueType"/>.</summary>
        public const string WrongValueTypeId = "WF4003";

        /// <summary>Id of <see cref="MalformedDuration"/>.</summary>
        public const string MalformedDurationId = "WF4004";

        /// <summary>Id of <see cref="NotRunYet"/>.</summary>
        public const string NotRunYetId = "WF4005";

        /// <summary>Id of <see cref="UntranslatableTemplate"/>.</summary>
        public const string UntranslatableTemplateId = "WF4006";

        /// <summary>Id of <see cref="DuplicateKey"/>.</summary>
        public const string DuplicateKeyId = "WF4007";

        /// <summary>Id of <see cref="UnknownValue"/>.</summary>
        public const string UnknownValueId = "WF4008";

        /// <summary>Id of <see cref="MissingRequiredKey"/>.</summary>
        public const string MissingRequiredKeyId = "WF4009";

        /// <summary>Id of <see cref="NestingTooDeep"/>.</summary>
        public const string NestingTooDeepId = "WF4010";

        /// <summary>Id of <see cref="ExpansionTooLarge"/>.</summary>
        public const string ExpansionTooLargeId = "WF4011";

        /// <summary>Id of <see cref="TwoRetryWaits"/>.</summary>
        public const string TwoRetryWaitsId = "WF4012";

        /// <summary>Id of <see cref="ReadAsFormicaryReadsIt"/>.</summary>
        public const string ReadAsFormicaryReadsItId = "WF4013";

        /// <summary>WF4001: the text is not well-formed YAML (the parser's own message, at its line and column).</summary>
        public static readonly ProblemDescriptor MalformedYaml = Rule(MalformedYamlId, "Malformed YAML",
            "The YAML is malformed: {0} Fix the syntax here: check the indentation, and quote a value that starts with '{{{{', '*', '&', '!', '%' or '@', or that holds ': '.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4002: a key formicary does not define (formicary ignores it silently; we say so).</summary>
        public static readonly ProblemDescriptor UnknownKey = Rule(UnknownKeyId, "Unknown key",
            "{0} has unknown key '{1}', which is ignored.{2}",
            ProblemSeverity.Warning, Yaml);

        /// <summary>WF4003: a value of the wrong kind (a mapping where text is expected, <c>retry: two</c>).</summary>
        public static readonly ProblemDescriptor WrongValueType = Rule(WrongValueTypeId, "Wrong value type",
            "{0} has '{1}' = {2}, which is not {3}. Write it as {4}.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4004: a duration that is not a Go duration (<c>timeout: 30</c>, <c>timeout: 5 sec</c>).</summary>
        public static readonly ProblemDescriptor MalformedDuration = Rule(MalformedDurationId, "Malformed duration",
            "{0} has '{1}' = '{2}', which is not a duration.{3} Write {4}.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4005: a key that is loaded into the definition but that the runtime does not run yet.</summary>
        public static readonly ProblemDescriptor NotRunYet = Rule(NotRunYetId, "Loaded, but not run yet",
            "{0} has '{1}', which is loaded, but not run yet: {2}. The definition keeps it, so nothing is lost.",
            ProblemSeverity.Warning, Yaml);

        /// <summary>WF4006: a Go template construct with no faithful Scriban translation.</summary>
        public static readonly ProblemDescriptor UntranslatableTemplate = Rule(UntranslatableTemplateId, "Template cannot be translated",
            "{0} has a Go template in '{1}' that cannot be translated to Scriban: {2}. Rewrite that part with if/else/end, range, eq/ne/lt/le/gt/ge, and/or/not, pipelines or function calls.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4007: the same key twice in one mapping (except <c>on_exit_code</c>, where WF1001 reports it).</summary>
        public static readonly ProblemDescriptor DuplicateKey = Rule(DuplicateKeyId, "Duplicate key",
            "{0} has the key '{1}' more than once (first at line {2}). Keep one: only the first is loaded.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4008: a value outside a fixed set (<c>method</c>, <c>artifacts.when</c>, …).</summary>
        public static readonly ProblemDescriptor UnknownValue = Rule(UnknownValueId, "Unknown value",
            "{0} has '{1}' = '{2}', which is not one of {3}.{4}",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4009: a block without a key it needs (<c>fan_out</c> without <c>source</c>, a service without <c>image</c>).</summary>
        public static readonly ProblemDescriptor MissingRequiredKey = Rule(MissingRequiredKeyId, "Required key missing",
            "{0} has '{1}' without '{2}', which it needs. Add it, e.g. '{3}'.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4010: lists and mappings nested deeper than the loader reads (aliases counted where they are used); nothing is loaded.</summary>
        public static readonly ProblemDescriptor NestingTooDeep = Rule(NestingTooDeepId, "Nesting too deep",
            "The YAML is nested {0} levels deep here; at most {1} are allowed. Flatten it: a job needs a few levels (tasks, a task's keys, a value); keep deeply nested data in a JSON string or an artifact instead.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4011: the definition grows past the loader's bounds once its aliases are expanded (a "billion laughs"); nothing is loaded.</summary>
        public static readonly ProblemDescriptor ExpansionTooLarge = Rule(ExpansionTooLargeId, "Definition too large",
            "The YAML expands to more than {0} here, counting an anchored value again at each alias (*name) that uses it; at most {1} are allowed. Use fewer aliases or smaller anchored values, or split the job.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4012: two of retry_backoff_policy, linear_wait and exponential_wait in one place: they set the same wait.</summary>
        public static readonly ProblemDescriptor TwoRetryWaits = Rule(TwoRetryWaitsId, "Two retry waits",
            "{0} has both '{1}' and '{2}', which each set how the wait grows between retries. Keep one: only '{1}', written first, is loaded.",
            ProblemSeverity.Error, Yaml);

        /// <summary>WF4013: a value formicary's examples write that YAML or our model would read otherwise: it is loaded as meant (as formicary reads it, or as written).</summary>
        public static readonly ProblemDescriptor ReadAsFormicaryReadsIt = Rule(ReadAsFormicaryReadsItId, "Loaded as meant",
            "{0} has '{1}' = {2}, which is loaded as {3}. {4}",
            ProblemSeverity.Warning, Yaml);
    }
}

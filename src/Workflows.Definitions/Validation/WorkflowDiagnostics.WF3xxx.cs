namespace Workflows.Definitions
{
    /// <summary>WF3xxx: templates in scripts, URLs and values (checked with Scriban by <c>Workflows.Templates.TemplateChecker</c>).</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="TemplateSyntax"/>.</summary>
        public const string TemplateSyntaxId = "WF3001";

        /// <summary>Id of <see cref="UnknownTemplateVariable"/>.</summary>
        public const string UnknownTemplateVariableId = "WF3002";

        /// <summary>Id of <see cref="UnknownTemplateFunction"/>.</summary>
        public const string UnknownTemplateFunctionId = "WF3003";

        private const string Templates = "Templates";

        /// <summary>WF3001: a template that does not parse (Scriban in C#; in YAML, a Go template that Go itself would reject).</summary>
        public static readonly ProblemDescriptor TemplateSyntax = Rule(TemplateSyntaxId, "Template syntax error",
            "{0} has a template in {1} that does not parse: '{2}' ({3}). Fix the {{{{ … }}}} syntax, e.g. '{{{{ if JobRetry > 0 }}}}…{{{{ else }}}}…{{{{ end }}}}' in C#, or '{{{{ if gt .JobRetry 0 }}}}…{{{{ else }}}}…{{{{ end }}}}' in YAML.",
            ProblemSeverity.Error, Templates);

        /// <summary>WF3002: a template variable that is neither built in nor declared.</summary>
        public static readonly ProblemDescriptor UnknownTemplateVariable = Rule(UnknownTemplateVariableId, "Unknown template variable",
            "{0} uses '{2}' in a template in {1}, which is not a built-in variable (JobID, JobRetry, TaskRetry, Nonce, JobElapsedSecs, …), a job or task variable, a task output (::set-output name=NAME::), or a required parameter.{3} Declare it with .Variable(\"{2}\", …) or .RequiredParams(\"{2}\") (YAML: job_variables / required_params), or it renders empty.",
            ProblemSeverity.Warning, Templates);

        /// <summary>WF3003: a template function the runtime does not provide.</summary>
        public static readonly ProblemDescriptor UnknownTemplateFunction = Rule(UnknownTemplateFunctionId, "Unknown template function",
            "{0} calls '{2}' in a template in {1}, which is not a template function.{3} Functions: Random, Iterate, Add, Dict, default, lower, upper, contains, replace, trimPrefix, trimSuffix, hasPrefix, hasSuffix, and Scriban's string., math., array., date. members.",
            ProblemSeverity.Error, Templates);
    }
}

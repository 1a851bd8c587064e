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

        /// <summary>Id of <see cref="UnquotedParamInScript"/>.</summary>
        public const string UnquotedParamInScriptId = "WF3004";

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

        /// <summary>
        /// WF3004: a request param (a template variable that is not one of the runtime's own, nor a job or task variable
        /// or output) rendered unquoted into a line of a SHELL or container script, where the shell parses it as code.
        /// </summary>
        public static readonly ProblemDescriptor UnquotedParamInScript = Rule(UnquotedParamInScriptId, "Request param rendered unquoted into a script",
            "{0} renders '{2}' unquoted into a shell script line in {1}: whoever submits the job chooses its value, and a value such as '$(id)' or '; rm -rf ~' would run as a command. Quote it, {{{{ {2} | shell_quote }}}} (YAML: {{{{ .{2} | shell_quote }}}}), or read it from the environment, \"$WORKFLOWS_PARAM_{2}\".",
            ProblemSeverity.Warning, Templates);
    }
}

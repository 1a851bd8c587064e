namespace Workflows.Definitions
{
    /// <summary>WF6xxx: rules that only exist for workflows written in C# (reported by the analyzers).</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="WorkflowNotPartial"/>.</summary>
        public const string WorkflowNotPartialId = "WF6001";

        /// <summary>Id of <see cref="WorkflowNotDerived"/>.</summary>
        public const string WorkflowNotDerivedId = "WF6002";

        /// <summary>Id of <see cref="NotConstant"/>.</summary>
        public const string NotConstantId = "WF6003";

        /// <summary>Id of <see cref="DefineDoesMore"/>.</summary>
        public const string DefineDoesMoreId = "WF6004";

        private const string CSharp = "CSharp";

        /// <summary>WF6001: a [Workflow] class that is not partial (the generator cannot add its compiled definition).</summary>
        public static readonly ProblemDescriptor WorkflowNotPartial = Rule(WorkflowNotPartialId, "Workflow class is not partial",
            "Workflow class '{0}' is not partial, so its definition cannot be compiled into it and is built at run time instead. Add the 'partial' modifier.",
            ProblemSeverity.Warning, CSharp);

        /// <summary>WF6002: a [Workflow] class that does not derive from Workflow.</summary>
        public static readonly ProblemDescriptor WorkflowNotDerived = Rule(WorkflowNotDerivedId, "Workflow class does not derive from Workflow",
            "Class '{0}' has [Workflow(\"{1}\")] but does not derive from Workflows.Workflow, so it is not a workflow. Derive from Workflow and override Define, or remove the attribute.",
            ProblemSeverity.Error, CSharp);

        /// <summary>WF6003: a DSL argument that is not a compile-time constant, so it cannot be checked while typing.</summary>
        public static readonly ProblemDescriptor NotConstant = Rule(NotConstantId, "Argument is not a compile-time constant",
            "The {0} argument of {1}(...) is not a compile-time constant, so the rules that depend on it are checked when the workflow is built, not while you type. Use a literal, a const, or TimeSpan.FromSeconds(<constant>).",
            ProblemSeverity.Info, CSharp);

        /// <summary>WF6004: a Define body that does more than build the fluent chain.</summary>
        public static readonly ProblemDescriptor DefineDoesMore = Rule(DefineDoesMoreId, "Define does more than build the chain",
            "Define in '{0}' does more than call the fluent chain on its JobBuilder ({1}), so the workflow cannot be checked or compiled at build time. Keep Define to 'job.….Task(...)…' calls; compute values elsewhere and pass constants.",
            ProblemSeverity.Warning, CSharp);
    }
}

namespace Workflows.Definitions
{
    /// <summary>WF5xxx: task executors.</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="NoExecutor"/>.</summary>
        public const string NoExecutorId = "WF5001";

        /// <summary>Id of <see cref="TwoExecutors"/>.</summary>
        public const string TwoExecutorsId = "WF5002";

        /// <summary>Id of <see cref="MissingExecutorInput"/>.</summary>
        public const string MissingExecutorInputId = "WF5003";

        /// <summary>Id of <see cref="InvalidUrl"/>.</summary>
        public const string InvalidUrlId = "WF5004";

        /// <summary>Id of <see cref="InvalidApprovalPolicy"/>.</summary>
        public const string InvalidApprovalPolicyId = "WF5005";

        /// <summary>Id of <see cref="MethodBesideContainer"/>.</summary>
        public const string MethodBesideContainerId = "WF5006";

        /// <summary>Id of <see cref="InvalidService"/>.</summary>
        public const string InvalidServiceId = "WF5007";

        /// <summary>WF5001: a task with nothing to run it.</summary>
        public static readonly ProblemDescriptor NoExecutor = Rule(NoExecutorId, "Task has no executor",
            "Task '{0}' has no executor. Give it one: .Container(\"alpine\"), .Shell(), .HttpGet(url) or .Run(...) in C#; 'method:' or 'container: image:' in YAML.",
            ProblemSeverity.Error, Executors);

        /// <summary>WF5002: a task given two executors.</summary>
        public static readonly ProblemDescriptor TwoExecutors = Rule(TwoExecutorsId, "Task has two executors",
            "Task '{0}' has two executors: {1} and {2}. Keep one.",
            ProblemSeverity.Error, Executors);

        /// <summary>WF5003: an executor missing what it needs (URL, image, script, fork target).</summary>
        public static readonly ProblemDescriptor MissingExecutorInput = Rule(MissingExecutorInputId, "Executor input missing",
            "Task '{0}' ({1}) has no {2}. {3}",
            ProblemSeverity.Error, Executors);

        /// <summary>WF5004: an HTTP URL that is not absolute http(s).</summary>
        public static readonly ProblemDescriptor InvalidUrl = Rule(InvalidUrlId, "Invalid HTTP URL",
            "Task '{0}' ({1}) calls '{2}', which is not an absolute http:// or https:// URL. Write the full URL, e.g. 'https://example.com/health', or build it with a template such as '{{{{ .BaseUrl }}}}/health'.",
            ProblemSeverity.Error, Executors);

        /// <summary>WF5005: an approval policy no vote could ever satisfy, or with a timeout action the runtime does not know.</summary>
        public static readonly ProblemDescriptor InvalidApprovalPolicy = Rule(InvalidApprovalPolicyId, "Invalid approval policy",
            "Task '{0}' has approval_policy.{1} = {2}: {3}",
            ProblemSeverity.Error, Executors);

        /// <summary>WF5006: a container beside a method that runs no container: the method decides, as in formicary, and the image is not used.</summary>
        public static readonly ProblemDescriptor MethodBesideContainer = Rule(MethodBesideContainerId, "Method beside a container",
            "Task '{0}' has method {1} and a container image '{2}': {1} runs the task, as in formicary, where the method decides, and the image is not used. Remove the container, or write method DOCKER to run in the image.",
            ProblemSeverity.Warning, Executors);

        /// <summary>WF5007: a service whose limit is not a size or CPU count, or whose volume cannot be mounted as written.</summary>
        public static readonly ProblemDescriptor InvalidService = Rule(InvalidServiceId, "Invalid service",
            "Task '{0}' has service '{1}' with {2}: {3}",
            ProblemSeverity.Error, Executors);
    }
}

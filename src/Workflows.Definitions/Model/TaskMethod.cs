namespace Workflows.Definitions
{
    /// <summary>How a task is executed (formicary's <c>method</c>, plus in-process C#).</summary>
    public enum TaskMethod
    {
        /// <summary>Script lines run in a container (Docker). The default for a task with a container image.</summary>
        Docker,

        /// <summary>Script lines run in a Kubernetes pod.</summary>
        Kubernetes,

        /// <summary>Script lines run by <c>/bin/sh</c> on the worker host.</summary>
        Shell,

        /// <summary>HTTP GET; 2xx is exit code 0, any other status is the exit code.</summary>
        HttpGet,

        /// <summary>HTTP POST of the variables as a form.</summary>
        HttpPostForm,

        /// <summary>HTTP POST of the variables as JSON.</summary>
        HttpPostJson,

        /// <summary>HTTP PUT of the variables as a form (accepted by formicary, not run by it).</summary>
        HttpPutForm,

        /// <summary>HTTP PUT of the variables as JSON.</summary>
        HttpPutJson,

        /// <summary>HTTP DELETE.</summary>
        HttpDelete,

        /// <summary>Start a child job of <c>fork_job_type</c>.</summary>
        ForkJob,

        /// <summary>Wait for the jobs forked by earlier tasks.</summary>
        AwaitForkedJob,

        /// <summary>A C# delegate run inside the host.</summary>
        InProcess,

        /// <summary>A manual approval gate.</summary>
        Manual,

        /// <summary>Request/reply over a message queue.</summary>
        Messaging,

        /// <summary>A task run by a worker connected over a websocket.</summary>
        Websocket,

        /// <summary>Expire old artifacts.</summary>
        ExpireArtifacts,
    }

    /// <summary>Facts about <see cref="TaskMethod"/> values shared by the validator and the edges.</summary>
    public static class TaskMethods
    {
        /// <summary>True for the HTTP_* methods.</summary>
        /// <param name="method">The method.</param>
        public static bool IsHttp(this TaskMethod method) => method is TaskMethod.HttpGet or TaskMethod.HttpPostForm
            or TaskMethod.HttpPostJson or TaskMethod.HttpPutForm or TaskMethod.HttpPutJson or TaskMethod.HttpDelete;

        /// <summary>True for methods that run script lines in a container image.</summary>
        /// <param name="method">The method.</param>
        public static bool UsesContainer(this TaskMethod method) => method is TaskMethod.Docker or TaskMethod.Kubernetes;

        /// <summary>True for methods whose exit code is a process exit status (0–255).</summary>
        /// <param name="method">The method.</param>
        public static bool HasProcessExitCodes(this TaskMethod method) => method is TaskMethod.Docker
            or TaskMethod.Kubernetes or TaskMethod.Shell or TaskMethod.InProcess;

        /// <summary>The formicary spelling, e.g. <c>HTTP_GET</c>.</summary>
        /// <param name="method">The method.</param>
        public static string ToYaml(this TaskMethod method) => method switch
        {
            TaskMethod.Docker => "DOCKER",
            TaskMethod.Kubernetes => "KUBERNETES",
            TaskMethod.Shell => "SHELL",
            TaskMethod.HttpGet => "HTTP_GET",
            TaskMethod.HttpPostForm => "HTTP_POST_FORM",
            TaskMethod.HttpPostJson => "HTTP_POST_JSON",
            TaskMethod.HttpPutForm => "HTTP_PUT_FORM",
            TaskMethod.HttpPutJson => "HTTP_PUT_JSON",
            TaskMethod.HttpDelete => "HTTP_DELETE",
            TaskMethod.ForkJob => "FORK_JOB",
            TaskMethod.AwaitForkedJob => "AWAIT_FORKED_JOB",
            TaskMethod.InProcess => "IN_PROCESS",
            TaskMethod.Manual => "MANUAL",
            TaskMethod.Messaging => "MESSAGING",
            TaskMethod.Websocket => "WEBSOCKET",
            TaskMethod.ExpireArtifacts => "EXPIRE_ARTIFACTS",
            _ => method.ToString().ToUpperInvariant(),
        };

        /// <summary>Reads the formicary spelling (case-insensitive); false when unknown.</summary>
        /// <param name="text">The method as written, e.g. <c>HTTP_GET</c>.</param>
        /// <param name="method">The method read.</param>
        public static bool TryParse(string text, out TaskMethod method)
        {
            foreach (TaskMethod candidate in System.Enum.GetValues(typeof(TaskMethod)))
            {
                if (string.Equals(candidate.ToYaml(), text, System.StringComparison.OrdinalIgnoreCase))
                {
                    method = candidate;
                    return true;
                }
            }

            method = default;
            return false;
        }
    }
}

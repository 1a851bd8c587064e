namespace Workflows.Definitions
{
    /// <summary>WF7xxx: notifications (<c>notify</c>) and lifecycle webhooks (<c>webhook</c>).</summary>
    public static partial class WorkflowDiagnostics
    {
        private const string Notifications = "Notifications";

        /// <summary>Id of <see cref="InvalidNotification"/>.</summary>
        public const string InvalidNotificationId = "WF7001";

        /// <summary>WF7001: a notify channel, recipient or rule, or a webhook URL, that no notification could be sent with.</summary>
        public static readonly ProblemDescriptor InvalidNotification = Rule(InvalidNotificationId, "Invalid notification",
            "{0} has {1} = '{2}': {3}",
            ProblemSeverity.Error, Notifications);
    }
}

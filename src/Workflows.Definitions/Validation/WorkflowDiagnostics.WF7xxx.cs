namespace Workflows.Definitions
{
    /// <summary>WF7xxx: schedules (WF70xx: <c>cron_trigger</c> and its time zone), notifications and lifecycle webhooks (WF71xx: <c>notify</c>, <c>webhook</c>).</summary>
    public static partial class WorkflowDiagnostics
    {
        private const string Schedule = "Schedule";

        /// <summary>Id of <see cref="MalformedCron"/>.</summary>
        public const string MalformedCronId = "WF7001";

        /// <summary>Id of <see cref="UnknownTimeZone"/>.</summary>
        public const string UnknownTimeZoneId = "WF7002";

        /// <summary>WF7001: a <c>cron_trigger</c> that is not a cron expression formicary reads.</summary>
        public static readonly ProblemDescriptor MalformedCron = Rule(MalformedCronId, "Malformed cron expression",
            "Job '{0}' has cron_trigger '{1}', which is not a cron expression: {2}. For example '0 2 * * *' runs daily at 02:00 and '*/15 * * * *' every 15 minutes.",
            ProblemSeverity.Error, Schedule);

        /// <summary>WF7002: a schedule's time zone that this machine does not know.</summary>
        public static readonly ProblemDescriptor UnknownTimeZone = Rule(UnknownTimeZoneId, "Unknown time zone",
            "Job '{0}' has cron_time_zone '{1}', which is not a known time zone. Use an IANA id such as 'Europe/Paris' or 'America/New_York', or 'UTC'.",
            ProblemSeverity.Error, Schedule);

        private const string Notifications = "Notifications";

        /// <summary>Id of <see cref="InvalidNotification"/>.</summary>
        public const string InvalidNotificationId = "WF7101";

        /// <summary>WF7101: a notify channel, recipient or rule, or a webhook URL, that no notification could be sent with.</summary>
        public static readonly ProblemDescriptor InvalidNotification = Rule(InvalidNotificationId, "Invalid notification",
            "{0} has {1} = '{2}': {3}",
            ProblemSeverity.Error, Notifications);
    }
}

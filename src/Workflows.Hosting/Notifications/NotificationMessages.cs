using System.Globalization;
using System.Text;
using System.Text.Json;
using Workflows.Runtime;

namespace Workflows.Hosting.Notifications;

/// <summary>What a notification says: the email's text, the slack message and the webhook's JSON body (formicary's lifecycle event fields).</summary>
internal static class NotificationMessages
{
    /// <summary>The email's text: the subject line, then the job's facts.</summary>
    public static string EmailBody(Notification n)
    {
        var text = new StringBuilder()
            .AppendLine(n.Subject)
            .AppendLine()
            .Append("Job:   ").AppendLine(n.JobId)
            .Append("Type:  ").AppendLine(n.JobType)
            .Append("State: ").AppendLine(n.State);
        if (n.ErrorCode is { } code)
        {
            text.Append("Error: ").AppendLine(code);
        }

        return text.Append("At:    ").AppendLine(n.At.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)).ToString();
    }

    /// <summary>The slack message: <c>{"channel": …, "text": …}</c> for an incoming webhook.</summary>
    public static string SlackBody(Notification n) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["channel"] = n.Recipient ?? string.Empty,
        ["text"] = n.ErrorCode is { } code ? $"{n.Subject} ({code})" : n.Subject,
    });

    /// <summary>
    /// A webhook's body, as formicary's <c>JobExecutionLifecycleEvent</c> / <c>TaskExecutionLifecycleEvent</c> name their
    /// fields: <c>id</c>, <c>source</c>, <c>event_type</c>, <c>created_at</c>, <c>job_request_id</c>, <c>job_type</c>,
    /// <c>job_state</c> (a job's) or <c>task_type</c>, <c>task_state</c>, <c>exit_code</c> (a task's), and <c>error_code</c>.
    /// </summary>
    public static string WebhookBody(Guid id, Notification n)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id.ToString());
            json.WriteString("source", "workflows");
            json.WriteString("event_type", n.TaskType is null ? "JobExecutionLifecycleEvent" : "TaskExecutionLifecycleEvent");
            json.WriteString("created_at", n.At.UtcDateTime);
            json.WriteString("job_request_id", n.JobId);
            json.WriteString("job_type", n.JobType);
            if (n.TaskType is { } task)
            {
                json.WriteString("task_type", task);
                json.WriteString("task_state", n.State);
                if (n.ExitCode is { } exit)
                {
                    json.WriteString("exit_code", exit.ToString(CultureInfo.InvariantCulture));
                }
            }
            else
            {
                json.WriteString("job_state", n.State);
            }

            if (n.ErrorCode is { } code)
            {
                json.WriteString("error_code", code);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The event header's value: <c>job.COMPLETED</c>, <c>task.FAILED</c>, …</summary>
    public static string EventName(Notification n) => (n.TaskType is null ? "job." : "task.") + n.State;
}

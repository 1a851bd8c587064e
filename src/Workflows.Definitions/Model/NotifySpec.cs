namespace Workflows.Definitions
{
    /// <summary>A notification channel of a job (<c>notify: email/slack</c>).</summary>
    /// <param name="Channel">The channel, e.g. <c>email</c> or <c>slack</c>.</param>
    /// <param name="Recipients">Who is told.</param>
    /// <param name="When"><c>always</c>, <c>onSuccess</c>, <c>onFailure</c> or <c>never</c>.</param>
    public sealed record NotifySpec(string Channel, EquatableArray<string> Recipients, string When = "always");
}

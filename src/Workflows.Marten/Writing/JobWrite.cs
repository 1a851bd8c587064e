namespace Workflows.Marten.Writing;

/// <summary>
/// One job's write, ready for a group commit: its events and view serialized (by the writer's caller, so many
/// workers serialize in parallel and the committer only sends), its due rows planned.
/// </summary>
/// <param name="JobId">The job (its stream's key).</param>
/// <param name="ExpectedVersion">The stream's version the events were decided on (0: the stream starts here).</param>
/// <param name="Events">The events, in order.</param>
/// <param name="View">The job's view after the events.</param>
/// <param name="Due">The job's due rows after the events.</param>
/// <param name="ReleaseRetryRoot">A manual retry that ends here: its root, whose in-flight row goes.</param>
/// <param name="NotifyCancel">True when the job's running attempts must stop (a cancellation or timeout).</param>
/// <param name="Log">The last lines of the attempt whose result this writes, if any (they commit with it).</param>
internal sealed record JobWrite(
    string JobId, long ExpectedVersion, IReadOnlyList<SerializedEvent> Events, SerializedView View, DuePlan Due, string? ReleaseRetryRoot, bool NotifyCancel,
    Logs.LogTail? Log = null)
{
    /// <summary>A manual retry that starts here: its root, whose in-flight row it takes (the database refuses a second one).</summary>
    public string? TakeRetryRoot { get; init; }

    /// <summary>Artifact records the job gets (a resumed retry's carried artifacts), serialized: id and document.</summary>
    public IReadOnlyList<(string Id, string Json)> Artifacts { get; init; } = [];

    /// <summary>Notifications its events cause (<see cref="Runtime.NotificationRules"/>), written to the outbox with them.</summary>
    public IReadOnlyList<Notifications.OutboxRow> Outbox { get; init; } = [];
}

/// <summary>An event as stored in Marten's events table.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="TypeName">Marten's alias of its type (the <c>type</c> column).</param>
/// <param name="DotNetTypeName">Its .NET type as Marten names it.</param>
/// <param name="Json">Its body.</param>
/// <param name="Timestamp">When it was decided.</param>
internal sealed record SerializedEvent(Guid Id, string TypeName, string DotNetTypeName, string Json, DateTimeOffset Timestamp);

/// <summary>A job view as stored in Marten's document table, with its duplicated columns.</summary>
/// <param name="Json">The document.</param>
/// <param name="JobType">The <c>job_type</c> column.</param>
/// <param name="Status">The <c>status</c> column.</param>
/// <param name="ParentJobId">The <c>parent_job_id</c> column.</param>
/// <param name="RetryRoot">The <c>retry_root</c> column (a lineage's jobs are found by it in one query).</param>
internal sealed record SerializedView(string Json, string JobType, string Status, string? ParentJobId, string? RetryRoot)
{
    /// <summary>The view as stored, with its duplicated columns.</summary>
    public static SerializedView Of(JobView view, string json) => new(json, view.JobType, view.Status.ToString(), view.ParentJobId, view.RetryRoot);
}

namespace Workflows.Marten.Writing;

/// <summary>
/// Marten's own table, column and constraint names that the writer and the claim write or read directly (one place:
/// a Marten upgrade that renames them shows here and in <c>JobWriterTests</c>' column guard).
/// </summary>
internal static class MartenTables
{
    /// <summary>Event streams: one row per job, with its version.</summary>
    public const string Streams = "mt_streams";

    /// <summary>Events: one row per event.</summary>
    public const string Events = "mt_events";

    /// <summary>The events' global sequence.</summary>
    public const string EventSequence = "mt_events_sequence";

    /// <summary>The job view documents.</summary>
    public const string JobViews = "mt_doc_jobview";

    /// <summary>The artifact records.</summary>
    public const string Artifacts = "mt_doc_artifactinfo";

    /// <summary>A stream id written twice.</summary>
    public const string StreamsPrimaryKey = "pkey_mt_streams_id";

    /// <summary>A stream version written twice.</summary>
    public const string EventsStreamAndVersion = "pk_mt_events_stream_and_version";
}

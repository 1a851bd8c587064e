namespace Workflows.Marten.Writing;

// The rows of a group of writes as column arrays, one per table: each table gets one statement for the whole group.

internal sealed class StreamColumns
{
    public List<string> ExistingIds { get; } = [];
    public List<long> ExistingExpected { get; } = [];
    public List<long> ExistingVersion { get; } = [];
    public List<string> NewIds { get; } = [];
    public List<long> NewVersion { get; } = [];

    public int ExistingCount => ExistingIds.Count;

    public void Add(JobWrite write)
    {
        var version = write.ExpectedVersion + write.Events.Count;
        if (write.ExpectedVersion == 0)
        {
            NewIds.Add(write.JobId);
            NewVersion.Add(version);
        }
        else
        {
            ExistingIds.Add(write.JobId);
            ExistingExpected.Add(write.ExpectedVersion);
            ExistingVersion.Add(version);
        }
    }
}

internal sealed class EventColumns
{
    public List<Guid> Ids { get; } = [];
    public List<string> StreamIds { get; } = [];
    public List<long> Versions { get; } = [];
    public List<string> Bodies { get; } = [];
    public List<string> Types { get; } = [];
    public List<DateTimeOffset> Timestamps { get; } = [];
    public List<string> DotNetTypes { get; } = [];

    public void Add(JobWrite write)
    {
        var version = write.ExpectedVersion;
        foreach (var e in write.Events)
        {
            Ids.Add(e.Id);
            StreamIds.Add(write.JobId);
            Versions.Add(++version);
            Bodies.Add(e.Json);
            Types.Add(e.TypeName);
            Timestamps.Add(e.Timestamp);
            DotNetTypes.Add(e.DotNetTypeName);
        }
    }
}

internal sealed class LogColumns
{
    public List<string> JobIds { get; } = [];
    public List<string> TaskTypes { get; } = [];
    public List<int> Attempts { get; } = [];
    public List<int> Seqs { get; } = [];
    public List<DateTimeOffset> Ats { get; } = [];
    public List<string> Sources { get; } = [];
    public List<string> Lines { get; } = [];

    public void Add(Logs.LogTail? log)
    {
        foreach (var (seq, at, source, line) in log?.Lines ?? [])
        {
            JobIds.Add(log!.JobId);
            TaskTypes.Add(log.TaskType);
            Attempts.Add(log.Attempt);
            Seqs.Add(seq);
            Ats.Add(at);
            Sources.Add(source.ToString());
            Lines.Add(Logs.TaskLogs.Storable(line));
        }
    }
}

internal sealed class ViewColumns
{
    public List<string> Ids { get; } = [];
    public List<string> Bodies { get; } = [];
    public List<Guid> Versions { get; } = [];
    public List<string> JobTypes { get; } = [];
    public List<string> Statuses { get; } = [];
    public List<string?> Parents { get; } = [];
    public List<string?> RetryRoots { get; } = [];

    public void Add(JobWrite write) => Add(write.JobId, write.View);

    public void Add(string id, SerializedView view)
    {
        Ids.Add(id);
        Bodies.Add(view.Json);
        Versions.Add(Guid.CreateVersion7());
        JobTypes.Add(view.JobType);
        Statuses.Add(view.Status);
        Parents.Add(view.ParentJobId);
        RetryRoots.Add(view.RetryRoot);
    }
}

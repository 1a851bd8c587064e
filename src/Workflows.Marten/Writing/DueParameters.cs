namespace Workflows.Marten.Writing;

/// <summary>The due-row plans of several jobs as column arrays: one delete and one upsert statement for all of them.</summary>
internal sealed class DueParameters
{
    private readonly List<string> _jobs = [];
    private readonly List<string> _keepJobs = [];
    private readonly List<string> _keepKinds = [];
    private readonly List<string> _keepTasks = [];
    private readonly List<string> _jobId = [];
    private readonly List<string> _kind = [];
    private readonly List<string> _taskType = [];
    private readonly List<int> _attempt = [];
    private readonly List<DateTimeOffset> _dueAt = [];
    private readonly List<int> _priority = [];
    private readonly List<string> _queue = [];
    private readonly List<string> _jobType = [];
    private readonly List<int?> _maxConcurrency = [];
    private readonly List<string?> _lockKey = [];
    private readonly List<DateTimeOffset?> _leaseUntil = [];
    private readonly List<string?> _owner = [];
    private readonly List<string?> _tags = [];

    /// <summary>True when a written row is due for any worker (they are notified on commit).</summary>
    public bool Wake { get; private set; }

    /// <summary>Adds one job's plan.</summary>
    /// <param name="plan">The plan.</param>
    public void Add(DuePlan plan)
    {
        if (!plan.IsNew)
        {
            _jobs.Add(plan.JobId);
            foreach (var (kind, taskType) in plan.Keep)
            {
                _keepJobs.Add(plan.JobId);
                _keepKinds.Add(DueTasks.KindName(kind));
                _keepTasks.Add(taskType);
            }
        }

        foreach (var row in plan.Rows)
        {
            _jobId.Add(plan.JobId);
            _kind.Add(DueTasks.KindName(row.Kind));
            _taskType.Add(row.TaskType);
            _attempt.Add(row.Attempt);
            _dueAt.Add(row.DueAt);
            _priority.Add(row.Priority);
            _queue.Add(row.Queue);
            _jobType.Add(row.JobType);
            _maxConcurrency.Add(row.MaxConcurrency);
            _lockKey.Add(row.LockKey);
            _leaseUntil.Add(row.LeaseUntil);
            _owner.Add(row.Owner);
            _tags.Add(row.Tags.Length == 0 ? null : string.Join(DueTasks.TagSeparator, row.Tags));
        }

        Wake |= plan.Wake;
    }

    /// <summary>The statements (with <c>?</c> placeholders) and their values, in order: the delete, then the upsert (each only when needed).</summary>
    /// <param name="schema">The store's schema.</param>
    public IEnumerable<(string Sql, object[] Values)> Statements(string schema)
    {
        if (_jobs.Count > 0)
        {
            yield return (DueTasks.DeleteSql(schema), [_jobs.ToArray(), _keepJobs.ToArray(), _keepKinds.ToArray(), _keepTasks.ToArray()]);
        }

        if (_jobId.Count > 0)
        {
            yield return (DueTasks.UpsertSql(schema),
            [
                _jobId.ToArray(), _kind.ToArray(), _taskType.ToArray(), _attempt.ToArray(), _dueAt.ToArray(), _priority.ToArray(), _queue.ToArray(),
                _jobType.ToArray(), _maxConcurrency.ToArray(), _lockKey.ToArray(), _leaseUntil.ToArray(), _owner.ToArray(), _tags.ToArray(),
            ]);
        }

        if (Wake)
        {
            // Delivered on commit: idle workers in every process wake and claim instead of waiting for their next poll.
            yield return ("select pg_notify(?, '')", [DueTasks.Channel(schema)]);
        }
    }
}

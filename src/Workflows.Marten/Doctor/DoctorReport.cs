namespace Workflows.Marten.Doctor;

/// <summary>What the invariant checker read and what it found.</summary>
/// <param name="Schema">The schema checked.</param>
/// <param name="CheckedAt">When.</param>
/// <param name="Jobs">Job streams read.</param>
/// <param name="Events">Events read.</param>
/// <param name="Unfinished">Jobs not finished (queued, running, paused, waiting).</param>
/// <param name="Violations">The broken invariants, one per job and rule and finding.</param>
public sealed record DoctorReport(string Schema, DateTimeOffset CheckedAt, int Jobs, long Events, int Unfinished, IReadOnlyList<Violation> Violations)
{
    /// <summary>True when no invariant is broken.</summary>
    public bool Healthy => Violations.Count == 0;
}

using Workflows.Executors;

namespace Workflows.Testing;

/// <summary>One task run of a <see cref="WorkflowRun"/>: what it was, the scripts it rendered, and the outcome it was given.</summary>
/// <param name="Info">Which run it was, and when.</param>
/// <param name="StartedAt">When it started on the virtual clock.</param>
/// <param name="Rendered">Its templates rendered for this attempt, as the worker renders them (null when a template failed: see <see cref="RenderError"/>).</param>
/// <param name="RenderError">Why a template failed to render; the attempt is then reported as the worker reports it (ERR_TEMPLATE).</param>
/// <param name="Outcome">The scripted outcome.</param>
public sealed record AttemptRecord(AttemptInfo Info, DateTimeOffset StartedAt, RenderedTask? Rendered, string? RenderError, Outcome Outcome);

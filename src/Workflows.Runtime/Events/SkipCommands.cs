namespace Workflows.Runtime;

/// <summary>
/// A worker rendered a started attempt's <c>except</c> just before dispatching it (with the variables of that moment):
/// when the text says <c>true</c> the task is skipped (COMPLETED, exit code SKIPPED, not run); otherwise nothing is
/// decided and the worker runs the attempt.
/// </summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The started attempt.</param>
/// <param name="Except">The rendered <c>except</c> text.</param>
public sealed record CheckExcept(string TaskType, int Attempt, string Except) : JobCommand;

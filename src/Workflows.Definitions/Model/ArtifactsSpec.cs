using System;

namespace Workflows.Definitions
{
    /// <summary>When a task's artifacts are collected.</summary>
    public enum ArtifactsWhen
    {
        /// <summary>After every attempt (formicary's default).</summary>
        Always,

        /// <summary>Only when the task succeeds.</summary>
        OnSuccess,

        /// <summary>Only when the task fails.</summary>
        OnFailure,
    }

    /// <summary>Files a task leaves behind for download and for later tasks (<c>artifacts:</c>).</summary>
    /// <param name="Paths">Paths relative to the task's working directory.</param>
    /// <param name="ExpiresAfter">How long the artifacts are kept; null = server default.</param>
    /// <param name="When">When they are collected.</param>
    public sealed record ArtifactsSpec(EquatableArray<string> Paths, TimeSpan? ExpiresAfter = null, ArtifactsWhen When = ArtifactsWhen.Always);
}

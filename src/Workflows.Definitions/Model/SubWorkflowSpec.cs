namespace Workflows.Definitions
{
    /// <summary>Parameters passed to, and outputs taken from, a forked child job (<c>sub_workflow:</c>).</summary>
    /// <param name="InputParams">Child parameters (values may be templates).</param>
    /// <param name="OutputVariables">Child variables copied back into this job.</param>
    /// <param name="WaitForCompletion">True when the FORK_JOB task waits for the child.</param>
    public sealed record SubWorkflowSpec(EquatableArray<NamedValue> InputParams = default, EquatableArray<NamedValue> OutputVariables = default, bool WaitForCompletion = false);
}

using Microsoft.Extensions.Options;

namespace Workflows.Hosting;

/// <summary>Validates <see cref="WorkflowsOptions.Execution"/> at start (DataAnnotations do not look into nested objects); its failures join the others'.</summary>
internal sealed class ExecutionPolicyValidation : IValidateOptions<WorkflowsOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowsOptions options) => options.Execution switch
    {
        null => ValidateOptionsResult.Fail("Execution is required: leave Workflows:Execution out for the defaults, or set its fields."),
        { } policy when policy.Problems() is { Count: > 0 } problems => ValidateOptionsResult.Fail(problems),
        _ => ValidateOptionsResult.Success,
    };
}

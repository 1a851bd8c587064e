using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Notifications;

/// <summary>Validates <see cref="WorkflowsOptions.Notifications"/> at start (DataAnnotations do not look into nested objects); its failures join the others'.</summary>
internal sealed class NotificationOptionsValidation : IValidateOptions<WorkflowsOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkflowsOptions options) => options.Notifications switch
    {
        null => ValidateOptionsResult.Fail("Notifications is required: leave Workflows:Notifications out for the defaults, or set its fields."),
        { } settings when settings.Problems() is { Count: > 0 } problems => ValidateOptionsResult.Fail(problems),
        _ => ValidateOptionsResult.Success,
    };
}

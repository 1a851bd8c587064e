namespace Workflows.Api.Security;

/// <summary>
/// An endpoint that takes no API token because the request authenticates itself (a webhook trigger's <c>auth:</c>, as in
/// formicary): the one declared exception to <see cref="ScopeRequirement"/>.
/// </summary>
/// <param name="How">How the request authenticates.</param>
internal sealed record OwnAuthentication(string How);

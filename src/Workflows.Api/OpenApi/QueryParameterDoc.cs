using Microsoft.AspNetCore.Builder;

namespace Workflows.Api.OpenApi;

/// <summary>A query parameter an endpoint reads itself (<see cref="Http.QueryPaging"/>, the job list's filters), for the OpenAPI document.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Type">Its JSON type: <c>string</c> or <c>integer</c>.</param>
/// <param name="Description">What it does and its bounds.</param>
/// <param name="Format">Its format (<c>int32</c>, <c>date-time</c>), if any.</param>
/// <param name="Values">The values it may take, if it is one of a list.</param>
internal sealed record QueryParameterDoc(string Name, string Type, string Description, string? Format = null, IReadOnlyList<string>? Values = null);

/// <summary>Declares query parameters for the OpenAPI document.</summary>
internal static class QueryParameterDocExtensions
{
    /// <summary>The page parameters <c>offset</c> and <c>limit</c> (1 to <paramref name="maxLimit"/>, default <paramref name="defaultLimit"/>).</summary>
    public static RouteHandlerBuilder Paged(this RouteHandlerBuilder builder, int defaultLimit, int maxLimit) => builder
        .WithMetadata(new QueryParameterDoc("offset", "integer", "Where the page starts (0 or more; default 0).", "int32"))
        .WithMetadata(new QueryParameterDoc("limit", "integer", $"The page's size: 1 to {maxLimit} (default {defaultLimit}).", "int32"));

    /// <summary>A query parameter.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, string name, string description, string? format = null, IReadOnlyList<string>? values = null) =>
        builder.WithMetadata(new QueryParameterDoc(name, "string", description, format, values));
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Workflows.Api.OpenApi;

/// <summary>
/// What an endpoint's request body is, for the OpenAPI document only. The endpoints read their bodies themselves
/// (<see cref="Http.RequestBodies"/>: bounded, errors that name the problem), so they carry no <c>Accepts</c> metadata:
/// routing would answer a wrong content type 415 without a message. <see cref="OperationDocs"/> turns this into the
/// operation's <c>requestBody</c>.
/// </summary>
/// <param name="Type">The body's type (its schema), or null for an endpoint that takes no body.</param>
/// <param name="ContentTypes">The content types the endpoint accepts.</param>
/// <param name="Required">False when the body may be left out (the defaults apply).</param>
internal sealed record RequestBodyDoc(Type? Type, IReadOnlyList<string> ContentTypes, bool Required)
{
    /// <summary>The YAML and JSON types a definition upload accepts (as <see cref="Http.RequestBodies"/> checks them).</summary>
    public static readonly IReadOnlyList<string> DefinitionTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json", "text/plain"];

    /// <summary>An endpoint without a body (declared, so a new POST or PUT endpoint has to say what it takes).</summary>
    public static readonly RequestBodyDoc None = new(null, [], false);
}

/// <summary>Declares endpoints' request bodies for the OpenAPI document.</summary>
internal static class RequestBodyDocExtensions
{
    /// <summary>The endpoint takes a JSON body of <typeparamref name="T"/> (optional: it may be left out).</summary>
    public static RouteHandlerBuilder Takes<T>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.WithMetadata(new RequestBodyDoc(typeof(T), ["application/json"], required));

    /// <summary>The endpoint takes a job definition as YAML or JSON text.</summary>
    public static RouteHandlerBuilder TakesDefinition(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new RequestBodyDoc(typeof(string), RequestBodyDoc.DefinitionTypes, true));

    /// <summary>The endpoint takes no body.</summary>
    public static RouteHandlerBuilder TakesNoBody(this RouteHandlerBuilder builder) => builder.WithMetadata(RequestBodyDoc.None);
}

using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.OpenApi;

/// <summary>
/// The served OpenAPI document against the real endpoints: every <c>/api</c> endpoint the host maps is documented
/// (request body, responses with schemas and examples, security, tags), and real requests built from the documented
/// examples get answers whose status is documented and whose body validates against the documented schema.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private ServedHost _host = null!;

    public async Task InitializeAsync() => _host = await ServedHost.StartAsync("openapi");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Every_mapped_api_endpoint_is_documented_with_its_body_responses_schemas_examples_and_security()
    {
        using var anonymous = _host.Client(null);
        var document = await OpenApiDocument.ReadAsync(anonymous);
        var endpoints = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Endpoint: e, Method: m)))
            .ToList();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} /api endpoints found");

        var problems = new List<string>();
        foreach (var (endpoint, method) in endpoints)
        {
            var path = DocumentPath(endpoint.RoutePattern);
            var name = $"{method} {path}";
            var operation = document.Operation(path, method);
            if (operation is null)
            {
                problems.Add($"{name}: not in the document");
                continue;
            }

            if (operation["summary"] is null)
            {
                problems.Add($"{name}: no summary");
            }

            if (operation["tags"] is not JsonArray { Count: > 0 })
            {
                problems.Add($"{name}: no tag");
            }

            // The endpoints read their bodies themselves, so each POST and PUT declares what it takes (or that it takes none).
            var body = endpoint.Metadata.FirstOrDefault(m => m.GetType().Name == "RequestBodyDoc");
            if (method is "POST" or "PUT" && body is null)
            {
                problems.Add($"{name}: declares no request body (.Takes<T>() or .TakesNoBody())");
            }

            var bodyType = body?.GetType().GetProperty("Type")!.GetValue(body);
            if (bodyType is not null)
            {
                var content = operation["requestBody"]?["content"]?.AsObject();
                if (content is not { Count: > 0 } || content.Any(c => c.Value?["schema"] is null || c.Value?["example"] is null))
                {
                    problems.Add($"{name}: takes a body but documents no request schema and example for each content type");
                }
            }
            else if (operation["requestBody"] is not null)
            {
                problems.Add($"{name}: documents a request body it does not take");
            }

            var responses = operation["responses"]?.AsObject() ?? [];
            if (!responses.Any(r => r.Key.StartsWith('2')))
            {
                problems.Add($"{name}: no success response");
            }

            foreach (var (status, response) in responses)
            {
                var json = response?["content"]?["application/json"];
                if (json is not null && (json["schema"] is null || json["example"] is null))
                {
                    problems.Add($"{name}: response {status} has no schema or no example");
                }

                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    if (json?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/ApiError")
                    {
                        problems.Add($"{name}: error {status} is not an ApiError");
                    }
                }
            }

            if (!responses.Any(r => r.Value?["content"]?["application/json"]?["schema"] is not null))
            {
                problems.Add($"{name}: no response schema");
            }

            var anonymousEndpoint = endpoint.Metadata.Any(m => m.GetType().Name == "OwnAuthentication");
            var bearer = operation["security"] is JsonArray security && security.Any(s => s?["bearer"] is not null);
            if (bearer == anonymousEndpoint || (!anonymousEndpoint && (responses["401"] is null || responses["403"] is null)))
            {
                problems.Add($"{name}: security is not as the endpoint authenticates (bearer, 401, 403 unless it has its own auth)");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal("bearer", document.Json["components"]?["securitySchemes"]?["bearer"]?["scheme"]?.GetValue<string>());
    }

    [Fact]
    public async Task The_schemas_use_the_apis_snake_case_names_and_enum_values()
    {
        using var anonymous = _host.Client(null);
        var document = await OpenApiDocument.ReadAsync(anonymous);
        var schemas = document.Json["components"]!["schemas"]!;
        var job = schemas["JobDto"]!["properties"]!.AsObject();
        Assert.Contains("job_type", job.Select(p => p.Key));
        Assert.Contains("num_success", job.Select(p => p.Key));
        Assert.DoesNotContain("jobType", job.Select(p => p.Key));
        Assert.Contains("_flowId", schemas["JobApiJob"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("awaiting_approval", schemas["JobStatus"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("as_admin", schemas["RetryBody"]!["properties"]!.AsObject().Select(p => p.Key));

        // The documented examples are valid against the documented schemas.
        var problems = new List<string>();
        foreach (var (path, method, operation) in document.Operations())
        {
            foreach (var (where, media) in (operation["requestBody"]?["content"]?.AsObject() ?? []).Select(c => ($"request {c.Key}", c.Value))
                         .Concat((operation["responses"]?.AsObject() ?? []).Select(r => ($"response {r.Key}", r.Value?["content"]?["application/json"]))))
            {
                if (media?["schema"] is { } schema && media["example"] is { } example
                    && OpenApiDocument.Problems(document.Standalone(schema), example.ToJsonString()) is { } invalid)
                {
                    problems.Add($"{method} {path} {where}: the example does not match the schema: {invalid}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Real_requests_built_from_the_documented_examples_get_documented_statuses_and_bodies()
    {
        using var admin = _host.Client(_host.AdminToken);
        var document = await OpenApiDocument.ReadAsync(admin);
        var exercised = new HashSet<string>();

        async Task<JsonNode?> Call(HttpClient client, string method, string template, string path, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/')) { Content = content };
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var operation = document.Operation(template, method) ?? throw new Xunit.Sdk.XunitException($"{method} {template} is not documented");
            Assert.True(operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not null,
                $"{method} {path} answered {status}, which the document does not list for {template}: {text}");
            if (status == 204)
            {
                Assert.Empty(text);
            }
            else
            {
                var schema = document.ResponseSchema(template, method, status) ?? throw new Xunit.Sdk.XunitException($"{method} {template} {status} has no JSON schema");
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                var problems = OpenApiDocument.Problems(schema, text);
                Assert.True(problems is null, $"{method} {path} {status}: the body does not match the documented schema:\n{problems}\n{text}");
            }

            exercised.Add($"{method} {template} {status}");
            return status == 204 ? null : JsonNode.Parse(text);
        }

        StringContent Example(string template, string method, string contentType = "application/json")
        {
            var example = document.RequestExample(template, method, contentType);
            return new StringContent(example is JsonValue value && value.TryGetValue<string>(out var text) ? text : example.ToJsonString(), Encoding.UTF8, contentType);
        }

        // Definitions: the seed's retry-job as documented (YAML, then the same as JSON: a new version), read back, configs.
        const string definitions = "/api/jobs/definitions";
        var created = await Call(admin, "POST", definitions, definitions, Example(definitions, "POST", "application/yaml"));
        var jobType = created!["job_type"]!.GetValue<string>();
        await Call(admin, "POST", definitions, definitions, Example(definitions, "POST", "application/yaml")); // unchanged: 200
        await Call(admin, "POST", definitions, definitions, Example(definitions, "POST", "application/json"));
        await Call(admin, "GET", definitions, definitions);
        await Call(admin, "GET", definitions + "/{jobType}", $"{definitions}/{jobType}");
        await Call(admin, "GET", definitions + "/{jobType}", $"{definitions}/no-such-type");
        await Call(admin, "GET", definitions + "/{jobType}/versions/{version}", $"{definitions}/{jobType}/versions/1");
        await Call(admin, "PUT", definitions + "/{jobType}/configs/{name}", $"{definitions}/{jobType}/configs/WebhookUrl", Example(definitions + "/{jobType}/configs/{name}", "PUT"));
        await Call(admin, "PUT", definitions + "/{jobType}/configs/{name}", $"{definitions}/{jobType}/configs/WebhookUrl", Example(definitions + "/{jobType}/configs/{name}", "PUT"));
        await Call(admin, "GET", definitions + "/{jobType}/configs", $"{definitions}/{jobType}/configs");
        await Call(admin, "DELETE", definitions + "/{jobType}/configs/{name}", $"{definitions}/{jobType}/configs/WebhookUrl");
        await Call(admin, "POST", definitions + "/{jobType}/disable", $"{definitions}/{jobType}/disable");
        await Call(admin, "POST", definitions + "/{jobType}/enable", $"{definitions}/{jobType}/enable");

        // Jobs: submit the documented request, cancel it, then read, list, retry; the seed's Job API routes.
        const string jobs = "/api/jobs/requests";
        var job = await Call(admin, "POST", jobs, jobs, Example(jobs, "POST"));
        var id = job!["id"]!.GetValue<string>();
        await Call(admin, "POST", jobs + "/{id}/cancel", $"{jobs}/{id}/cancel");
        await ServedHost.WaitEndedAsync(admin, id);
        await Call(admin, "GET", jobs + "/{id}", $"{jobs}/{id}");
        await Call(admin, "GET", jobs + "/{id}", $"{jobs}/0000000000000000000000000000dead");
        await Call(admin, "GET", jobs, $"{jobs}?job_type={jobType}&limit=10");
        await Call(admin, "GET", jobs, $"{jobs}?limit=0");
        await Call(admin, "PUT", jobs + "/{id}", $"{jobs}/{id}", Example(jobs + "/{id}", "PUT"));
        await Call(admin, "GET", jobs + "/{id}/events", $"{jobs}/{id}/events");
        await Call(admin, "GET", jobs + "/{id}/logs", $"{jobs}/{id}/logs");
        await Call(admin, "GET", jobs + "/{id}/artifacts", $"{jobs}/{id}/artifacts");
        await Call(admin, "GET", jobs + "/{id}/notifications", $"{jobs}/{id}/notifications");
        await Call(admin, "POST", jobs + "/{id}/pause", $"{jobs}/{id}/pause");
        await Call(admin, "POST", jobs + "/{id}/resume", $"{jobs}/{id}/resume");
        await Call(admin, "POST", jobs + "/{id}/trigger", $"{jobs}/{id}/trigger");
        await Call(admin, "GET", jobs + "/{id}/tasks/{taskType}/approval", $"{jobs}/{id}/tasks/first/approval");
        await Call(admin, "POST", jobs + "/{id}/tasks/{taskType}/vote", $"{jobs}/{id}/tasks/first/vote", Example(jobs + "/{id}/tasks/{taskType}/vote", "POST"));
        var retry = await Call(admin, "POST", jobs + "/{id}/retry", $"{jobs}/{id}/retry", Example(jobs + "/{id}/retry", "POST"));
        await Call(admin, "GET", jobs + "/{id}/lineage", $"{jobs}/{id}/lineage");
        await Call(admin, "POST", jobs + "/retry", $"{jobs}/retry", Example(jobs + "/retry", "POST"));
        if (retry?["id"]?.GetValue<string>() is { } retryId)
        {
            await Call(admin, "POST", jobs + "/{id}/cancel", $"{jobs}/{retryId}/cancel");
            await ServedHost.WaitEndedAsync(admin, retryId);
            await Call(admin, "POST", "/api/jobs/{id}/retries/{retryId}/retry", $"/api/jobs/{id}/retries/{retryId}/retry");
            await Call(admin, "PUT", "/api/jobs/{id}/retries/retry", $"/api/jobs/{id}/retries/retry");
        }

        await Call(admin, "GET", "/api/jobs/{id}", $"/api/jobs/{id}");
        await Call(admin, "GET", "/api/jobs", $"/api/jobs?job_type={jobType}");
        await Call(admin, "POST", "/api/jobs", "/api/jobs", Example("/api/jobs", "POST"));
        await Call(admin, "GET", "/api/jobs/lineages", "/api/jobs/lineages?limit=5");
        await Call(admin, "GET", "/api/approvals/pending", "/api/approvals/pending");

        // Schedules, tokens, triggers.
        await Call(admin, "GET", "/api/schedules", "/api/schedules");
        await Call(admin, "GET", "/api/caches", $"/api/caches?job_type={jobType}");
        await Call(admin, "GET", "/api/schedules/{jobType}", $"/api/schedules/{jobType}");
        await Call(admin, "POST", "/api/schedules/{jobType}/pause", $"/api/schedules/{jobType}/pause");
        var token = await Call(admin, "POST", "/api/tokens", "/api/tokens", Example("/api/tokens", "POST"));
        await Call(admin, "POST", "/api/tokens", "/api/tokens", Example("/api/tokens", "POST")); // the name is taken: 409
        await Call(admin, "GET", "/api/tokens", "/api/tokens");
        await Call(admin, "POST", "/api/triggers/{jobType}/{name}", $"/api/triggers/{jobType}/on-push", Example("/api/triggers/{jobType}/{name}", "POST"));

        // Errors: no token, a token without the scope, malformed JSON, the wrong content type, a body over the limit.
        using (var anonymous = _host.Client(null))
        {
            await Call(anonymous, "GET", jobs, jobs);
        }

        using (var reader = _host.Client(await _host.TokenAsync("reader", "read")))
        {
            await Call(reader, "POST", jobs, jobs, Example(jobs, "POST"));
        }

        await Call(admin, "POST", jobs, jobs, new StringContent("{\"job_type\": }", Encoding.UTF8, "application/json"));
        await Call(admin, "POST", jobs, jobs, new StringContent("job_type=retry-job", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Call(admin, "POST", definitions, definitions, new StringContent(new string('#', 70_000), Encoding.UTF8, "application/yaml"));
        await Call(admin, "DELETE", "/api/tokens/{nameOrId}", $"/api/tokens/{token!["name"]!.GetValue<string>()}");
        await Call(admin, "DELETE", jobs + "/{id}", $"{jobs}/{id}");

        foreach (var status in new[] { "200", "201", "202", "204", "400", "401", "403", "404", "409", "413", "415" })
        {
            Assert.Contains(exercised, e => e.EndsWith(" " + status, StringComparison.Ordinal));
        }

        Assert.True(exercised.Select(e => e[..e.LastIndexOf(' ')]).Distinct().Count() >= 40, string.Join("\n", exercised));
    }

    /// <summary>The document's path for a route: <c>{version:int}</c> → <c>{version}</c>, <c>{**name}</c> → <c>{name}</c>.</summary>
    private static string DocumentPath(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));
}

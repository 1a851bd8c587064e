using System.Net;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Api;

/// <summary>Every class of bad input is answered 4xx with a JSON error that names the problem and the fix, and nothing is stored.</summary>
public sealed class BadInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ServedHost Host => fixture.Host;

    public static TheoryData<string, string, int, string, string> BadDefinitions => new()
    {
        { "malformed YAML", "job_type: invalid-yaml\ntasks: [\n  - task_type: a\n", 400, "invalid_definition", "WF" },
        { "unknown edge", "job_type: invalid-edge\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  on_completed: b\n", 400, "invalid_definition", "WF0101" },
        { "cycle", "job_type: invalid-cycle\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  on_completed: b\n- task_type: b\n  method: SHELL\n  script: [true]\n  on_completed: a\n", 400, "invalid_definition", "WF" },
        { "bad exit-code map", "job_type: invalid-map\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  on_exit_code:\n    abc: COMPLETED\n", 400, "invalid_definition", "WF" },
        { "empty body", "", 400, "empty_definition", "" },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public async Task A_bad_definition_is_refused_with_every_diagnostic_and_nothing_is_stored(string name, string yaml, int status, string code, string diagnostic)
    {
        using var client = Host.Client(Host.UserToken);
        using var response = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ServedHost.ReadAsync<ApiError>(response);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Error), name);
        if (diagnostic.Length > 0)
        {
            Assert.NotEmpty(error.Diagnostics!);
            Assert.Contains(error.Diagnostics!, d => d.Id.StartsWith(diagnostic, StringComparison.Ordinal) && d.Severity == "error" && d.Line > 0 && d.Col > 0);
        }

        var types = await ServedHost.ReadAsync<List<DefinitionSummaryDto>>(await client.GetAsync("api/jobs/definitions"));
        Assert.DoesNotContain(types, t => t.JobType.StartsWith("invalid-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_edge_is_reported_at_its_line_and_column_with_a_suggestion()
    {
        using var client = Host.Client(Host.UserToken);
        using var response = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("job_type: bad-edge2\ntasks:\n- task_type: build\n  method: SHELL\n  script: [make]\n  on_completed: tset\n- task_type: test\n  method: SHELL\n  script: [make]\n"));

        var error = await ServedHost.ReadAsync<ApiError>(response);
        var d = Assert.Single(error.Diagnostics!, x => x.Id == "WF0101");
        Assert.Equal((6, 17), (d.Line, d.Col));
        Assert.Contains("Did you mean 'test'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_a_wrong_content_type_is_415()
    {
        using var client = Host.Client(Host.UserToken);
        var huge = "job_type: bad-huge\n# " + new string('x', 70_000) + "\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n";
        using (var response = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(huge)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("65536 bytes", (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
        }

        using (var response = await client.PostAsync("api/jobs/requests", ServedHost.Json("{\"job_type\": \"x\", \"description\": \"" + new string('y', 70_000) + "\"}")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var response = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("job_type: bad-type\n", "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Contains("application/yaml", (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
        }

        using (var response = await client.PostAsync("api/jobs/requests", ServedHost.Yaml("job_type: x", "application/yaml")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }
    }

    public static TheoryData<string, int, string, string> BadRequests => new()
    {
        { "{\"job_type\": \"bad-json\", ", 400, "malformed_json", "not valid JSON" },
        { "{\"job_type\": 42}", 400, "malformed_json", "$.job_type" },
        { "[1, 2]", 400, "malformed_json", "not valid JSON" },
        { "{\"params\": {}}", 400, "missing_job_type", "job_type" },
        { "{\"job_type\": \"no-such-type\"}", 404, "unknown_job_type", "Unknown job type 'no-such-type'" },
        { "{\"job_type\": \"bad-params\", \"params\": {\"Nested\": {\"a\": 1}}}", 400, "bad_params", "Parameter 'Nested' is object" },
        { "{\"job_type\": \"bad-params\", \"params\": {\"List\": [1]}}", 400, "bad_params", "Parameter 'List' is array" },
        { "{\"job_type\": \"bad-params\", \"params\": {}}", 400, "missing_params", "requires the parameter 'Greeting'" },
        { "{\"job_type\": \"bad-params\", \"queue\": \"\", \"params\": {\"Greeting\": \"x\"}}", 400, "bad_queue", "queue" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_job_request_is_refused_with_a_clear_error_and_no_job_is_stored(string body, int status, string code, string message)
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(
            "job_type: bad-params\nrequired_params: [Greeting]\ntasks:\n- task_type: a\n  method: SHELL\n  script: [\"echo {{.Greeting}}\"]\n"))).Dispose();
        var before = (await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?limit=1"))).Total;

        using var response = await client.PostAsync("api/jobs/requests", ServedHost.Json(body));

        Assert.Equal(status, (int)response.StatusCode);
        var error = await ServedHost.ReadAsync<ApiError>(response);
        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?limit=1"))).Total);
    }

    [Theory]
    [InlineData("api/jobs/requests?status=sleeping", "status 'sleeping' is not a job state")]
    [InlineData("api/jobs/requests?limit=0", "limit '0' must be a whole number from 1 to 500")]
    [InlineData("api/jobs/requests?from=yesterday", "from 'yesterday' is not a time")]
    public async Task A_bad_query_is_400_naming_the_parameter(string url, string message)
    {
        using var client = Host.Client(Host.UserToken);
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_jobs_and_tasks_are_404_naming_what_exists()
    {
        using var client = Host.Client(Host.UserToken);
        using (var response = await client.GetAsync("api/jobs/requests/nope"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var response = await client.GetAsync("api/jobs/definitions/nope"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("POST /api/jobs/definitions", (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_yaml_that_is_json_uploads_too()
    {
        using var client = Host.Client(Host.UserToken);
        var json = JsonSerializer.Serialize(new { job_type = "json-upload", tasks = new[] { new { task_type = "a", method = "SHELL", script = new[] { "true" } } } });
        using var response = await client.PostAsync("api/jobs/definitions", ServedHost.Json(json));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("json-upload", (await ServedHost.ReadAsync<DefinitionDto>(response)).JobType);
    }
}

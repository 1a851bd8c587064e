using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// Hostile definition uploads to the served host get a 400 with a located WF4xxx diagnostic, and the host keeps
/// answering: 40 KB of brackets overflowed the stack and killed the process before, an alias bomb filled its memory,
/// deep variables were a 500. A file saved with a byte order mark is accepted.
/// </summary>
public sealed class HostileDefinitionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ServedHost Host => fixture.Host;

    public static TheoryData<string, string, string, int, int> Hostile => new()
    {
        { "20,000 brackets", new string('[', 20_000) + new string(']', 20_000), "WF4010", 1, 65 },
        {
            "variables 1,001 deep",
            "job_type: hostile-deep\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  variables:\n    V: " + string.Concat(Enumerable.Repeat("{a: ", 1_001)) + "1" + new string('}', 1_001) + "\n",
            "WF4010", 7, 248
        },
        {
            "a billion laughs",
            "job_type: hostile-lol\njob_variables:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" +
            string.Concat(Enumerable.Range(1, 8).Select(i => $"  l{i}: &l{i} [" + string.Join(",", Enumerable.Repeat(i == 1 ? "*a" : $"*l{i - 1}", 9)) + "]\n")) +
            "tasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n",
            "WF4011", 8, 7
        },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_upload_is_400_with_a_located_diagnostic_and_the_host_still_answers(string name, string yaml, string id, int line, int column)
    {
        using var client = Host.Client(Host.UserToken);
        using (var response = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await ServedHost.ReadAsync<ApiError>(response);
            Assert.Equal("invalid_definition", error.Code);
            var diagnostic = Assert.Single(error.Diagnostics!);
            Assert.Equal((id, "error", line, column), (diagnostic.Id, diagnostic.Severity, diagnostic.Line, diagnostic.Col));
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Message), name);
        }

        using var list = await client.GetAsync("api/jobs/definitions");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var types = await ServedHost.ReadAsync<List<DefinitionSummaryDto>>(list);
        Assert.DoesNotContain(types, t => t.JobType.StartsWith("hostile-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_hostile_file_in_the_definitions_folder_is_skipped_and_the_host_starts()
    {
        // The same 40 KB in Workflows:Definitions stopped the host from starting (a stack overflow, exit 134).
        var folder = Directory.CreateTempSubdirectory("workflows-hostile-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "deep.yaml"), new string('[', 20_000) + new string(']', 20_000));
            File.Copy(Path.Combine(TestInfrastructure.RepoRoot, "samples", "legacy-yaml", "retry-job.yaml"), Path.Combine(folder, "retry-job.yaml"));

            await using var host = await ServedHost.StartAsync("hostile", "--Workflows:Definitions=" + folder);
            using var client = host.Client(host.UserToken);
            var types = await ServedHost.ReadAsync<List<DefinitionSummaryDto>>(await client.GetAsync("api/jobs/definitions"));
            Assert.Equal(["retry-job"], types.Select(t => t.JobType));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_template_that_renders_past_the_limit_fails_its_attempt_naming_the_task_and_the_limit()
    {
        // A printf width of 2e9 grew the host to 5 GB; 2e6 is enough to pass the limit without risking that on old code.
        using var client = Host.Client(Host.UserToken);
        const string Yaml = "job_type: hostile-printf\ntasks:\n- task_type: wide\n  method: SHELL\n  script:\n    - echo {{ printf \"%2000000d\" 1 }}\n";
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Yaml)))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "hostile-printf"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var job = await ServedHost.WaitEndedAsync(client, (await ServedHost.ReadAsync<JobDto>(submit)).Id);

        Assert.Equal((JobStatus.Failed, "ERR_TEMPLATE", "wide"), (job.Status, job.ErrorCode, job.FailedTask));
        var lines = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/logs?task=wide"));
        Assert.Contains(lines, l => l.Line.Contains("the printf width 2000000 in '%2000000d' exceeds the limit of 1,048,576 characters", StringComparison.Ordinal));

        using var list = await client.GetAsync("api/jobs/definitions");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task A_definition_saved_with_a_byte_order_mark_is_stored()
    {
        using var client = Host.Client(Host.UserToken);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("job_type: with-bom\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n")).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
        using var response = await client.PostAsync("api/jobs/definitions", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("with-bom", (await ServedHost.ReadAsync<DefinitionDto>(response)).JobType);
    }
}

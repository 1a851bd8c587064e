using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Api;

/// <summary>An upload says what this host's execution policy will not run (stored anyway: another host may run it).</summary>
public sealed class ExecutionPolicyApiTests
{
    [Fact]
    public async Task An_upload_with_a_shell_task_to_a_host_without_shell_is_stored_with_a_host_warning_naming_the_option()
    {
        await using var host = await ServedHost.StartAsync("policy", "--Workflows:Execution:AllowShell=false");
        using var client = host.Client(host.UserToken);
        const string Yaml = """
            job_type: policy-shell
            tasks:
            - task_type: build
              method: SHELL
              script: [echo hi]
            """;
        using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Yaml));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var warning = Assert.Single((await ServedHost.ReadAsync<DefinitionDto>(upload)).HostWarnings!);
        Assert.Contains("Task 'build' uses SHELL", warning, StringComparison.Ordinal);
        Assert.Contains("Workflows:Execution:AllowShell=true", warning, StringComparison.Ordinal);

        var job = await ServedHost.ReadAsync<JobDto>(await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "policy-shell"}""")));
        var ended = await ServedHost.WaitEndedAsync(client, job.Id);
        Assert.Equal(("ERR_METHOD_NOT_ALLOWED", "build"), (ended.ErrorCode, ended.FailedTask));
    }
}

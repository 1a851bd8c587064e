using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary><c>Workflows:Definitions</c>: a folder of YAML stored at start, validated like an upload.</summary>
public sealed class DefinitionFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-definitions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_folders_valid_yaml_is_served_and_a_file_with_errors_is_skipped()
    {
        foreach (var seed in new[] { "retry-job.yaml", "sensor-job.yaml" })
        {
            File.Copy(Path.Combine(TestInfrastructure.RepoRoot, "samples", "legacy-yaml", seed), Path.Combine(_dir, seed));
        }

        Directory.CreateDirectory(Path.Combine(_dir, "nested"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "nested", "broken.yml"), "job_type: broken\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  on_completed: b\n");

        await using var host = await ServedHost.StartAsync("folder", "--Workflows:Definitions=" + _dir);
        using var client = host.Client(host.UserToken);
        var types = await ServedHost.ReadAsync<List<DefinitionSummaryDto>>(await client.GetAsync("api/jobs/definitions"));

        Assert.Equal(["retry-job", "sensor-job"], types.Select(t => t.JobType));
        Assert.All(types, t => Assert.Equal(("stored", 1), (t.Source, t.LatestVersion)));
        var retry = await ServedHost.ReadAsync<DefinitionDto>(await client.GetAsync("api/jobs/definitions/retry-job"));
        Assert.StartsWith("folder:", retry.Latest!.CreatedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_definitions_setting_that_is_not_a_folder_stops_the_start_with_the_fix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServedHost.StartAsync("nofolder", "--Workflows:Definitions=" + Path.Combine(_dir, "missing")));
        Assert.Contains("which is not a folder", error.Message, StringComparison.Ordinal);
    }
}

using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>The seed YAML files load into exactly the definitions the C# seeds build (URLs aside).</summary>
public class SeedYamlTests
{
    private const string YamlHost = "https://jsonplaceholder.typicode.com";
    private const string LocalHost = "http://127.0.0.1:5080";

    private static JobDefinition LoadSeed(string file)
    {
        var result = YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", file), file);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        var job = result.Definition!;
        return job with
        {
            Tasks = job.Tasks.Select(t => t with { Script = t.Script.Select(l => l.Replace(YamlHost, LocalHost, StringComparison.Ordinal)).ToEquatableArray() }).ToEquatableArray(),
        };
    }

    [Fact]
    public void Retry_job_yaml_loads_into_the_csharp_retry_job() =>
        Assert.Equal(new Samples.RetryJob().Definition, LoadSeed("retry-job.yaml"));

    [Fact]
    public void Sensor_job_yaml_loads_into_the_csharp_sensor_job() =>
        Assert.Equal(new Samples.SensorJob().Definition, LoadSeed("sensor-job.yaml"));

    [Fact]
    public void The_sensor_job_template_spanning_list_items_becomes_one_scriban_item()
    {
        var first = LoadSeed("sensor-job.yaml").FindTask("first")!;
        Assert.Equal(
            ["{{ if JobElapsedSecs < 3 }}http://127.0.0.1:5080/blaaaaahtodos/1{{ else }}http://127.0.0.1:5080/todos/1{{ end }}"],
            first.Script);
    }

    [Theory]
    [InlineData("retry-job.yaml", typeof(Samples.RetryJob))]
    [InlineData("sensor-job.yaml", typeof(Samples.SensorJob))]
    public void Seed_yaml_reports_the_same_warnings_as_the_csharp_seed(string file, Type workflow)
    {
        var csharp = ((Workflow)Activator.CreateInstance(workflow)!).Warnings;
        var yaml = YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", file), file).Problems;
        Assert.Equal(csharp.Select(p => (p.Id, p.Message)).Order(), yaml.Select(p => (p.Id, p.Problem.Message)).Order());
    }

    [Fact]
    public void Seed_warnings_are_located_on_their_yaml_lines()
    {
        var problems = YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", "retry-job.yaml"), "retry-job.yaml").Problems;
        var problem = Assert.Single(problems);
        Assert.Equal((WorkflowDiagnostics.ExitCodeOutOfRangeId, 12, 5), (problem.Id, problem.Line, problem.Column));
        Assert.EndsWith("WF1002: Task 'first' maps exit code 10, but HTTP_GET tasks exit with 0 for any 2xx response, or the status of any other response (100–199, 300–599), so this mapping can never apply. Use a code in that range, or remove the mapping.", problem.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("retry-job.yaml(12,5): ", problem.ToString(), StringComparison.Ordinal);
    }
}

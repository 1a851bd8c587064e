using Workflows.Definitions;

namespace Workflows.Tests;

/// <summary>The C# seeds build exactly the definitions the seed YAML describes (record equality compares every field).</summary>
public class SeedDefinitionTests
{
    private static readonly ContainerSpec Alpine = new("alpine");

    /// <summary>samples/legacy-yaml/retry-job.yaml, written out field by field (the URL points at a local server).</summary>
    public static JobDefinition RetryJobFromYaml() => new()
    {
        JobType = "retry-job",
        DelayBetweenRetries = TimeSpan.FromSeconds(6),
        Retry = 2,
        Tasks = EquatableArray.Create(
            new TaskDefinition
            {
                TaskType = "first",
                Method = TaskMethod.HttpGet,
                Timeout = TimeSpan.FromSeconds(15),
                DelayBetweenRetries = TimeSpan.FromSeconds(5),
                Script = EquatableArray.Create("http://127.0.0.1:5080/todos/1"),
                ExitCodes = EquatableArray.Create(new ExitCodeRoute("10", ExitAction.RestartJob)),
                OnCompleted = "second",
            },
            new TaskDefinition
            {
                TaskType = "second",
                Container = Alpine,
                Retry = 2,
                Script = EquatableArray.Create("exit {{ Random 0 3 }}"),
                ExitCodes = EquatableArray.Create(
                    new ExitCodeRoute("1", ExitAction.Fatal),
                    new ExitCodeRoute("2", ExitAction.RestartTask),
                    new ExitCodeRoute("3", ExitAction.Error("ERR_XYZ"))),
                OnCompleted = "third",
            },
            new TaskDefinition { TaskType = "third", Container = Alpine, Script = EquatableArray.Create("date") }),
    };

    /// <summary>samples/legacy-yaml/sensor-job.yaml, with its Go templates written as Scriban.</summary>
    public static JobDefinition SensorJobFromYaml() => new()
    {
        JobType = "sensor-job",
        Tasks = EquatableArray.Create(
            new TaskDefinition
            {
                TaskType = "first",
                Method = TaskMethod.HttpGet,
                Environment = EquatableArray.Create(new NamedValue("OLD_ENV_VAR", "ijk")),
                AllowFailure = true,
                Timeout = TimeSpan.FromSeconds(15),
                DelayBetweenRetries = TimeSpan.FromSeconds(5),
                Script = EquatableArray.Create("{{ if JobElapsedSecs < 3 }}http://127.0.0.1:5080/blaaaaahtodos/1{{ else }}http://127.0.0.1:5080/todos/1{{ end }}"),
                OnCompleted = "second",
                ExitCodes = EquatableArray.Create(new ExitCodeRoute("404", ExitAction.Executing)),
            },
            new TaskDefinition
            {
                TaskType = "second",
                Container = Alpine,
                Script = EquatableArray.Create("echo nonce {{ Nonce }}", "exit {{ Random 0 5 }}"),
                ExitCodes = EquatableArray.Create(
                    new ExitCodeRoute("1", ExitAction.Failed),
                    new ExitCodeRoute("2", ExitAction.RestartJob),
                    new ExitCodeRoute("3", ExitAction.Completed),
                    new ExitCodeRoute("4", ExitAction.Error("ERR_BLAH")),
                    new ExitCodeRoute("5", ExitAction.RestartTask)),
                OnCompleted = "third",
            },
            new TaskDefinition
            {
                TaskType = "third",
                Container = Alpine,
                Environment = EquatableArray.Create(new NamedValue("OLD_ENV_VAR", "ijk")),
                Script = EquatableArray.Create("date > date.txt", "env NEW_ENV_VAR=xyz", "echo variable value is $NEW_ENV_VAR"),
                Artifacts = new ArtifactsSpec(EquatableArray.Create("date.txt")),
            }),
    };

    [Fact]
    public void The_issue_snippet_builds_the_seed_retry_job() =>
        Assert.Equal(RetryJobFromYaml(), new RetryJob().Definition);

    [Fact]
    public void The_sample_retry_job_builds_the_seed_retry_job() =>
        Assert.Equal(RetryJobFromYaml(), new Samples.RetryJob().Definition);

    [Fact]
    public void The_sample_sensor_job_builds_the_seed_sensor_job() =>
        Assert.Equal(SensorJobFromYaml(), new Samples.SensorJob().Definition);

    [Fact]
    public void The_source_generator_compiles_the_sample_seeds_into_static_data()
    {
        Assert.Equal(RetryJobFromYaml(), Samples.RetryJob.CompiledDefinition);
        Assert.Equal(SensorJobFromYaml(), Samples.SensorJob.CompiledDefinition);
        Assert.Equal(["first", "second", "third"], new[] { Samples.RetryJob.Tasks.First, Samples.RetryJob.Tasks.Second, Samples.RetryJob.Tasks.Third });
    }

    [Fact]
    public void Seed_warnings_are_kept_not_thrown()
    {
        Assert.Equal([WorkflowDiagnostics.ExitCodeOutOfRangeId], new RetryJob().Warnings.Select(w => w.Id));
        Assert.Equal([WorkflowDiagnostics.RestartJobWithoutRetryId, WorkflowDiagnostics.RestartTaskWithoutRetryId], new Samples.SensorJob().Warnings.Select(w => w.Id));
    }

    [Fact]
    public void Container_without_method_runs_as_docker() =>
        Assert.Equal(TaskMethod.Docker, new RetryJob().Definition.FindTask("second")!.EffectiveMethod);
}

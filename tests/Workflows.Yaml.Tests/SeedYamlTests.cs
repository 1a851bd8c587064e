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

    /// <summary>
    /// The retry-job and sensor-job docs, "Next Task": "The next task can be defined using <c>on_completed</c>,
    /// <c>on_failed</c> or <c>on_exit</c>". <c>on_exit</c> loads as a next-task key (not as a misspelling of
    /// <c>on_exit_code</c>), is written back, translates to <c>.OnExit(…)</c> and is checked like the other routes.
    /// </summary>
    [Fact]
    public void On_exit_is_a_next_task_key_beside_on_completed_and_on_failed()
    {
        const string Yaml = """
            job_type: exit-route
            tasks:
            - task_type: first
              method: SHELL
              script: [./probe.sh]
              on_exit: second
            - task_type: second
              method: SHELL
              script: [date]
            """;
        var result = YamlJobLoader.Load(Yaml, "exit-route.yaml");
        Assert.Empty(result.Problems);
        Assert.Equal("second", result.Definition!.FindTask("first")!.OnExit);
        Assert.Contains("on_exit: second", Workflows.Yaml.Writing.YamlJobWriter.Write(result.Definition), StringComparison.Ordinal);
        Assert.Contains(".OnExit(\"second\")", Workflows.Yaml.Translation.CSharpTranslator.Translate(result.Definition, "exit-route.yaml"), StringComparison.Ordinal);

        var unknown = YamlJobLoader.Load(Yaml.Replace("on_exit: second", "on_exit: secnd", StringComparison.Ordinal), "exit-route.yaml");
        Assert.Contains(unknown.Problems, p => p.Id == WorkflowDiagnostics.UnknownTaskId && p.Problem.Message.Contains("in on_exit.", StringComparison.Ordinal));
    }

    /// <summary>
    /// Procrastinate's retry strategies seed: "<c>linear_wait=5</c> to wait 5 seconds then 10 then 15 and so on" and
    /// "<c>exponential_wait=5</c> to wait 5 seconds then 25 then 125 and so on". In YAML they are keys beside
    /// <c>delay_between_retries</c> (job, task, retry_on rule), load into the same policies as the C# DSL's
    /// <c>.LinearWait</c>/<c>.ExponentialWait</c>, are written back as written and translate to those calls.
    /// </summary>
    [Fact]
    public void Linear_wait_and_exponential_wait_load_write_and_translate_as_written()
    {
        var yaml = File.ReadAllText(Path.Combine(CorpusTests.Folder, "37-procrastinate-waits.yaml"));
        var result = YamlJobLoader.Load(yaml, "37-procrastinate-waits.yaml");
        Assert.Empty(result.Problems);
        var job = result.Definition!;
        var fetch = job.FindTask("fetch")!;
        Assert.Equal(
            (BackoffPolicy.ExponentialWait(TimeSpan.FromSeconds(5)), BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)), BackoffPolicy.ExponentialWait(TimeSpan.FromSeconds(2)), BackoffPolicy.LinearWait(TimeSpan.FromMinutes(1)), "report"),
            (job.Backoff, fetch.Backoff, fetch.RetryRules[0].Backoff, fetch.RetryRules[1].Backoff, fetch.OnExit));

        var csharp = Workflow.Create("procrastinate-waits", b => b
            .Description("Fetches a feed from another network, waiting longer after each failure")
            .Retry(2).ExponentialWait(TimeSpan.FromSeconds(5))
            .Task("fetch").Shell().Retry(3).LinearWait(TimeSpan.FromSeconds(5)).Script("./fetch-feed.sh")
                .RetryOn(Failure.ExitCode(75), rule => rule.Retry(4).ExponentialWait(TimeSpan.FromSeconds(2)))
                .RetryOn(Failure.ExitCode(76), rule => rule.Retry(2).LinearWait(TimeSpan.FromMinutes(1)))
                .OnExit("report")
            .Task("report").Shell().Script("./report.sh")).Definition;
        Assert.Equal(csharp, job);

        var written = Workflows.Yaml.Writing.YamlJobWriter.Write(job);
        Assert.Contains("linear_wait: 5s", written, StringComparison.Ordinal);
        Assert.Contains("exponential_wait: 2s", written, StringComparison.Ordinal);
        Assert.DoesNotContain("retry_backoff_policy", written, StringComparison.Ordinal);
        var translated = Workflows.Yaml.Translation.CSharpTranslator.Translate(job, "37-procrastinate-waits.yaml");
        Assert.Contains(".LinearWait(TimeSpan.FromSeconds(5))", translated, StringComparison.Ordinal);
        Assert.Contains(".ExponentialWait(TimeSpan.FromSeconds(2))", translated, StringComparison.Ordinal);

        var shrinking = YamlJobLoader.Load(yaml.Replace("exponential_wait: 2s", "exponential_wait: 500ms", StringComparison.Ordinal), "waits.yaml");
        var problem = Assert.Single(shrinking.Problems);
        Assert.Equal((WorkflowDiagnostics.InvalidBackoffId, 18), (problem.Id, problem.Line));
    }

    /// <summary>
    /// The seed writes the waits as bare numbers, "<c>linear_wait=5</c> to wait 5 seconds then 10 then 15 and so on" and
    /// "<c>exponential_wait=5</c> to wait 5 seconds then 25 then 125 and so on": in YAML <c>linear_wait: 5</c> is 5 seconds
    /// too (these are Procrastinate's keys; formicary's durations keep their units), at job, task and retry_on level.
    /// </summary>
    [Fact]
    public void Linear_wait_5_and_exponential_wait_5_written_as_the_seed_writes_them_are_5_seconds()
    {
        const string Yaml = """
            job_type: feed
            retry: 2
            exponential_wait: 5
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
              retry: 3
              linear_wait: 5
              retry_on:
                - exit_codes: [75]
                  retry: 4
                  exponential_wait: 5
            """;
        var result = YamlJobLoader.Load(Yaml, "feed.yaml");
        Assert.Empty(result.Problems);
        var job = result.Definition!;
        var five = TimeSpan.FromSeconds(5);
        Assert.Equal(
            (BackoffPolicy.ExponentialWait(five), BackoffPolicy.LinearWait(five), BackoffPolicy.ExponentialWait(five)),
            (job.Backoff, job.Tasks[0].Backoff, job.Tasks[0].RetryRules[0].Backoff));
        Assert.Equal(job, YamlJobLoader.Load(Yaml.Replace("_wait: 5", "_wait: 5s", StringComparison.Ordinal), "feed.yaml").Definition);

        // Not a number of seconds: WF4004 as for any duration.
        Assert.Equal(WorkflowDiagnostics.MalformedDurationId, Assert.Single(YamlJobLoader.Load(Yaml.Replace("linear_wait: 5", "linear_wait: five", StringComparison.Ordinal), "feed.yaml").Problems).Id);
    }

    /// <summary>Two waits in one place would drop one in silence: WF4012 at the second, and the first is loaded.</summary>
    [Fact]
    public void Two_retry_waits_in_one_place_keep_the_first_and_report_the_second()
    {
        const string Yaml = """
            job_type: feed
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
              retry: 3
              linear_wait: 5s
              exponential_wait: 5s
            """;
        var result = YamlJobLoader.Load(Yaml, "feed.yaml");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(
            "feed.yaml(8,3): error WF4012: Task 'fetch' has both 'linear_wait' and 'exponential_wait', which each set how the wait grows between retries. Keep one: only 'linear_wait', written first, is loaded.",
            problem.ToString());
        Assert.Equal(BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)), result.Definition!.Tasks[0].Backoff);
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

using Workflows.Dashboard.Rendering;
using Workflows.Yaml;

namespace Workflows.Dashboard.Tests;

/// <summary>The server-side DAG layout and SVG (pure logic: no host, no browser).</summary>
public sealed class DagLayoutTests
{
    private static Workflows.Definitions.JobDefinition Load(string yaml)
    {
        var loaded = YamlJobLoader.Load(yaml, "test.yaml");
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => p.Problem.Message)));
        return loaded.Definition!;
    }

    private const string Branching = """
        job_type: branching
        tasks:
        - task_type: build
          method: SHELL
          script: [ "exit 0" ]
          on_exit_code:
            2: notify
          on_completed: test
          on_failed: notify
        - task_type: test
          method: SHELL
          script: [ "exit 0" ]
          on_completed: deploy
          on_failed: notify
        - task_type: notify
          method: SHELL
          script: [ "echo failed" ]
        - task_type: deploy
          method: SHELL
          script: [ "echo ok" ]
        - task_type: cleanup
          method: SHELL
          always_run: true
          script: [ "echo cleanup" ]
        """;

    [Fact]
    public void Each_task_sits_one_layer_below_the_first_task_routing_to_it_and_unreached_tasks_go_last()
    {
        var job = Load(Branching);
        var edges = DagSvg.Edges(job);
        var place = DagSvg.Layout(job, edges);

        Assert.Equal((0, 0), place["build"]);
        Assert.Equal(1, place["test"].Layer);
        Assert.Equal(1, place["notify"].Layer);
        Assert.Equal(2, place["deploy"].Layer);

        // test → notify stays within a layer (notify was reached from build first): drawn as a curve, no new layer.
        Assert.Contains(edges, e => e is { From: "test", To: "notify", Label: "failed" });
        Assert.Contains(edges, e => e is { From: "build", To: "notify", Label: "exit 2" });
        Assert.Equal(3, place["cleanup"].Layer);
    }

    [Fact]
    public void The_svg_colours_tasks_by_state_and_draws_the_taken_path_solid()
    {
        var svg = DagSvg.Render(Load(Branching), new Dictionary<string, string> { ["build"] = "completed", ["test"] = "failed" });

        Assert.Contains("data-task=\"build\" data-state=\"completed\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-task=\"test\" data-state=\"failed\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-task=\"deploy\" data-state=\"not_reached\"", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"edge taken\" data-from=\"build\" data-to=\"test\"", svg, StringComparison.Ordinal);
        Assert.Contains("class=\"edge\" data-from=\"test\" data-to=\"deploy\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_encoded_in_the_svg()
    {
        var job = new Workflows.Definitions.JobDefinition
        {
            JobType = "x<y",
            Tasks = new[] { new Workflows.Definitions.TaskDefinition { TaskType = "a&b" } },
        };

        var svg = DagSvg.Render(job, new Dictionary<string, string>());

        Assert.Contains("data-task=\"a&amp;b\"", svg, StringComparison.Ordinal);
        Assert.Contains("Task graph of x&lt;y", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("a&b", svg, StringComparison.Ordinal);
    }
}

using System.Xml.Linq;
using Workflows.TestSupport;

namespace Workflows.Infrastructure.Tests;

/// <summary>
/// The project graph of <c>src/</c> has no back-edges (docs/architecture.md): read from the project files themselves, so
/// a reference added against the shape fails here with the edge named.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>What each project may NOT reach, directly or through others.</summary>
    private static readonly Dictionary<string, string[]> Forbidden = new(StringComparer.Ordinal)
    {
        ["Workflows.Definitions"] = ["*"],
        ["Workflows.Executors.Abstractions"] = ["*"],
        ["Workflows.Runtime"] = ["*except Workflows.Definitions"],
        ["Workflows.Templates"] = ["Workflows.Runtime", "Workflows.Marten", "Workflows.Executors", "Workflows.Hosting", "Workflows.Api", "Workflows.Host"],
        ["Workflows.Marten"] = ["Workflows.Executors", "Workflows", "Workflows.Templates", "Workflows.Yaml", "Workflows.Hosting", "Workflows.Api", "Workflows.Host"],
        ["Workflows.Executors"] = ["Workflows.Runtime", "Workflows.Marten", "Workflows.Hosting", "Workflows.Api", "Workflows.Host"],
        ["Workflows.Hosting"] = ["Workflows.Api", "Workflows.Host", "Workflows.Yaml"],
        ["Workflows.Api"] = ["Workflows.Host"],
        ["Workflows.Testing"] = ["Workflows.Api", "Workflows.Host"],
        ["Workflows.Yaml"] = ["Workflows.Runtime", "Workflows.Marten", "Workflows.Executors", "Workflows.Hosting", "Workflows.Api", "Workflows.Host"],
    };

    private static Dictionary<string, List<string>> Graph()
    {
        var graph = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(TestInfrastructure.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            graph[Path.GetFileNameWithoutExtension(file)] = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
        }

        return graph;
    }

    private static HashSet<string> Reachable(Dictionary<string, List<string>> graph, string from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(graph.GetValueOrDefault(from) ?? []);
        while (stack.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var further in graph.GetValueOrDefault(next) ?? [])
                {
                    stack.Push(further);
                }
            }
        }

        return seen;
    }

    [Fact]
    public void No_project_of_src_reaches_a_project_it_must_not()
    {
        var graph = Graph();
        Assert.True(graph.Count >= 10, $"found only {graph.Count} projects under src/");
        var violations = new List<string>();
        foreach (var (project, rules) in Forbidden)
        {
            Assert.True(graph.ContainsKey(project), $"{project} is not under src/ any more: update this test and docs/architecture.md");
            var reached = Reachable(graph, project);
            var bad = rules switch
            {
                ["*"] => reached,
                [var only] when only.StartsWith("*except ", StringComparison.Ordinal) => reached.Where(r => r != only["*except ".Length..]),
                _ => reached.Where(rules.Contains),
            };
            violations.AddRange(bad.Select(b => $"{project} -> {b}"));
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void The_project_graph_has_no_cycle()
    {
        var graph = Graph();
        Assert.DoesNotContain(graph.Keys, p => Reachable(graph, p).Contains(p));
    }

    [Fact]
    public void The_rule_catches_a_forbidden_reference()
    {
        // The check itself: storage that references the executors is reported.
        var graph = Graph();
        graph["Workflows.Marten"] = [.. graph["Workflows.Marten"], "Workflows.Executors"];
        Assert.Contains("Workflows.Executors", Reachable(graph, "Workflows.Marten"));
    }
}

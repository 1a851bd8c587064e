using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Definitions.Tests;

public class CatalogueTests
{
    [Fact]
    public void Ids_are_unique_and_in_their_documented_range()
    {
        var rules = WorkflowDiagnostics.All;
        Assert.True(rules.Count >= 25, $"expected the whole catalogue, found {rules.Count}");
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
        foreach (var rule in rules)
        {
            Assert.Matches("^WF[0-9]{4}$", rule.Id);
            var expected = rule.Id[2] switch
            {
                '0' => "Dag",
                '1' => "ExitCodes",
                '2' => "Retry",
                '3' => "Templates",
                '4' => "Yaml",
                '5' => "Executors",
                '6' => "CSharp",
                '7' => rule.Id[3] == '1' ? "Notifications" : "Schedule",
                _ => "unexpected range",
            };
            Assert.Equal(expected, rule.Category);
        }
    }

    [Fact]
    public void Every_rule_is_documented_with_a_bad_and_a_fixed_example()
    {
        var docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics.md"));
        foreach (var rule in WorkflowDiagnostics.All)
        {
            var section = Regex.Match(docs, $"(?ms)^## {rule.Id}\\b.*?(?=^## |\\z)");
            Assert.True(section.Success, $"docs/diagnostics.md has no '## {rule.Id}' section");
            Assert.Contains("Bad", section.Value, StringComparison.Ordinal);
            Assert.Contains("Fixed", section.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_id_constant_matches_its_descriptor()
    {
        var constants = typeof(WorkflowDiagnostics).GetFields()
            .Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal))
            .ToDictionary(f => f.Name[..^2], f => (string)f.GetRawConstantValue()!);
        foreach (var field in typeof(WorkflowDiagnostics).GetFields().Where(f => f.FieldType == typeof(ProblemDescriptor)))
        {
            Assert.Equal(constants[field.Name], ((ProblemDescriptor)field.GetValue(null)!).Id);
        }
    }

    [Fact]
    public void Exception_lists_every_problem_errors_first()
    {
        var job = Jobs.Linear().WithTask(0, t => t with { OnCompleted = "tset", Retry = -1 });
        var e = Assert.Throws<InvalidWorkflowDefinitionException>(() => WorkflowValidator.ThrowIfInvalid(job));
        Assert.StartsWith("Workflow 'test-job' is invalid (2 errors):", e.Message, StringComparison.Ordinal);
        Assert.Contains("error WF0101: Task 'build' refers to unknown task 'tset'", e.Message, StringComparison.Ordinal);
        Assert.Contains("error WF2003: Task 'build' has retry = -1", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, e.Problems.Count);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}

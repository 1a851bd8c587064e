using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>The YAML examples of docs/diagnostics.md for WF3xxx and WF4xxx do what they say: Bad reports the rule, Fixed does not.</summary>
public class DocsExamplesTests
{
    /// <summary>The YAML rules, and the template rules, which the loader runs on the translated templates.</summary>
    public static TheoryData<string> YamlRules => new(WorkflowDiagnostics.All.Where(r => r.Category is "Yaml" or "Templates").Select(r => r.Id));

    [Theory]
    [MemberData(nameof(YamlRules))]
    public void Bad_reports_the_rule_and_fixed_does_not(string id)
    {
        var docs = Repo.Read("docs", "diagnostics.md").ReplaceLineEndings("\n");
        var section = Regex.Match(docs, $@"(?ms)^## {id}\b.*?(?=^## |\z)").Value;
        var bad = Example(section, "**Bad**");
        var fixedYaml = Example(section, "**Fixed**");
        Assert.Contains(id, YamlJobLoader.Load(bad).Problems.Select(p => p.Id));
        Assert.DoesNotContain(id, YamlJobLoader.Load(fixedYaml).Problems.Select(p => p.Id));
    }

    [Fact]
    public void Every_yaml_rule_is_in_the_summary_table()
    {
        var docs = Repo.Read("docs", "diagnostics.md");
        foreach (var rule in WorkflowDiagnostics.All.Where(r => r.Category == "Yaml"))
        {
            Assert.Contains($"| [{rule.Id}](#{rule.Id.ToLowerInvariant()}) | {rule.DefaultSeverity} | {rule.Title} |", docs, StringComparison.Ordinal);
        }
    }

    /// <summary>The first yaml block after <paramref name="marker"/>; a task fragment is put into a job.</summary>
    private static string Example(string section, string marker)
    {
        var from = section.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(from >= 0, $"no {marker} in section");
        var yaml = Regex.Match(section[from..], "(?s)```yaml\n(.*?)```").Groups[1].Value;
        return yaml.StartsWith("- task_type", StringComparison.Ordinal) ? "job_type: nightly\ntasks:\n" + yaml : yaml;
    }
}

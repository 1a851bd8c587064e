extern alias analyzers;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;

namespace Workflows.Analyzers.Tests;

/// <summary>
/// Keeps analyzers/Workflows.Analyzers/AnalyzerReleases.*.md in step with the rules the analyzer reports. Roslyn's own
/// release tracking (RS2000–RS2008) checks only descriptors whose id is a compile-time constant; ours are made at run
/// time from the one catalogue (WorkflowDiagnostics), so it sees none of them and this test does its job.
/// </summary>
public partial class ReleaseTrackingTests
{
    private const string Header = "Rule ID | Category | Severity | Notes";

    [Fact]
    public void Every_reported_rule_is_in_the_analyzer_release_files_with_its_category_and_severity()
    {
        var folder = AnalyzerFolder();
        var tracked = Tracked(Path.Combine(folder, "AnalyzerReleases.Shipped.md"), Path.Combine(folder, "AnalyzerReleases.Unshipped.md"));
        var supported = new WorkflowAnalyzer().SupportedDiagnostics.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();

        var missing = supported.Where(d => !tracked.ContainsKey(d.Id)).Select(Row).ToList();
        var changed = supported.Where(d => tracked.TryGetValue(d.Id, out var t) && t != (d.Category, Severity(d.DefaultSeverity)))
            .Select(d => $"{d.Id}: tracked as {tracked[d.Id].Category}/{tracked[d.Id].Severity}, reported as {d.Category}/{Severity(d.DefaultSeverity)}")
            .ToList();
        var gone = tracked.Keys.Except(supported.Select(d => d.Id), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0 && changed.Count == 0 && gone.Count == 0, string.Join('\n', new[]
        {
            missing.Count == 0 ? null : "New rules not in AnalyzerReleases.Unshipped.md; add these rows under '### New Rules':\n" + string.Join('\n', missing),
            changed.Count == 0 ? null : "Rules whose category or severity changed; move them to '### Changed Rules' in AnalyzerReleases.Unshipped.md (or fix the unshipped row):\n" + string.Join('\n', changed),
            gone.Count == 0 ? null : "Tracked rules the analyzer no longer reports; list them under '### Removed Rules' (or drop their unshipped row): " + string.Join(", ", gone),
        }.Where(s => s is not null)));
    }

    [Fact]
    public void The_release_files_parse_and_every_unshipped_row_is_a_known_rule()
    {
        var folder = AnalyzerFolder();
        var unshipped = File.ReadAllLines(Path.Combine(folder, "AnalyzerReleases.Unshipped.md"));
        Assert.Contains(Header, unshipped);
        var rows = unshipped.Where(l => RuleRow().IsMatch(l)).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Matches(@"^WF[0-9]{4} \| Workflows\.[A-Za-z]+ \| (Error|Warning|Info|Hidden|Disabled) \| ", r));
    }

    private static string AnalyzerFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory), "analyzers", "Workflows.Analyzers");
    }

    /// <summary>Each rule's category and severity after every release in order, then the unshipped one.</summary>
    private static Dictionary<string, (string Category, string Severity)> Tracked(params string[] files)
    {
        var tracked = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var section = "";
            foreach (var line in File.ReadAllLines(file))
            {
                if (line.StartsWith("### ", StringComparison.Ordinal))
                {
                    section = line[4..].Trim();
                }
                else if (RuleRow().IsMatch(line))
                {
                    var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                    if (section == "Removed Rules")
                    {
                        tracked.Remove(cells[0]);
                    }
                    else
                    {
                        // New Rules: id | category | severity | notes; Changed Rules: id | new category | new severity | old…
                        tracked[cells[0]] = (cells[1], cells[2]);
                    }
                }
            }
        }

        return tracked;
    }

    private static string Row(DiagnosticDescriptor d) => $"{d.Id} | {d.Category} | {Severity(d.DefaultSeverity)} | {d.Title}";

    private static string Severity(DiagnosticSeverity severity) => severity == DiagnosticSeverity.Info ? "Info" : severity.ToString();

    [GeneratedRegex(@"^WF[0-9]{4}\s*\|")]
    private static partial Regex RuleRow();
}

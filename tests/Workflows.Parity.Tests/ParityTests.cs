using Workflows.Definitions;
using Xunit.Abstractions;

namespace Workflows.Parity.Tests;

/// <summary>
/// The same mistake gives the same WF id, with the same message, in C# (the analyzer, while you type) and in YAML
/// (the loader): one case per rule that can occur in both, and an explicit, reasoned list of the rules that cannot.
/// </summary>
public class ParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// The rules without a parity case, and why. Only an edge's own rules belong here: WF4xxx (the YAML text itself)
    /// and WF6xxx (the C# class and its Define). Every other rule is about the definition, which both edges share.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["WF0006"] = "YAML only: files given to 'workflows validate' that define one job type. C# workflows of one assembly with one type are WF0003, which has a case.",
        ["WF4001"] = "YAML only: the text is not well-formed YAML. Malformed C# is the compiler's error, not a rule.",
        ["WF4002"] = "YAML only: an unknown key. The DSL has no keys; an unknown method is a compile error.",
        ["WF4003"] = "YAML only: a value of the wrong kind ('retry: two'). C# arguments are typed by the compiler.",
        ["WF4004"] = "YAML only: a duration that is not a Go duration. C# durations are TimeSpan values.",
        ["WF4006"] = "YAML only: a valid Go template construct with no Scriban translation. C# templates are Scriban already. (A Go template that does not parse is WF3001, which has a case.)",
        ["WF4007"] = "YAML only: a repeated mapping key. A repeated DSL call is not a key (a repeated exit code is WF1001 in both).",
        ["WF4008"] = "YAML only: a word outside a fixed set ('method: SHEL'). C# uses enums and methods, checked by the compiler.",
        ["WF4009"] = "YAML only: a block without a key it needs. C# constructors and methods require their arguments.",
        ["WF4010"] = "YAML only: lists and mappings nested past the loader's depth limit. C# definitions are built by code, not parsed from text.",
        ["WF4011"] = "YAML only: aliases that expand the text past the loader's size limits. C# has no aliases.",
        ["WF4013"] = "YAML only: a value formicary reads otherwise than YAML does ('when: none', a script item with ': '). C# values are typed and say what they mean.",
        ["WF5002"] = "C# only: a second, different executor call (.Shell().HttpGet(...)). YAML has one 'method' key; a container beside a method is WF5006, which has a case.",
        ["WF6001"] = "C# only: a [Workflow] class that is not partial. YAML has no class.",
        ["WF6002"] = "C# only: a [Workflow] class that does not derive from Workflow. YAML has no class.",
        ["WF6003"] = "C# only: a DSL argument that is not a compile-time constant. YAML values are always literal.",
        ["WF6004"] = "C# only: a Define that does more than the fluent chain. YAML has no code.",
    };

    public static TheoryData<string> Ids => new(ParityCases.All.Select(c => c.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public Task The_same_mistake_gets_the_same_id_and_message_in_CSharp_and_YAML(string id) => AssertSame(ParityCases.ById[id]);

    public static TheoryData<int> Variants => new(Enumerable.Range(0, ParityCases.Variants.Count));

    /// <summary>A mistake written with another form of the DSL (e.g. the approval builder instead of the record) is the same mistake.</summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public Task The_same_mistake_written_with_another_DSL_form_gets_the_same_id_and_message(int index) => AssertSame(ParityCases.Variants[index]);

    private async Task AssertSame(ParityCase example)
    {
        var id = example.Id;
        var reportedInCSharp = await CSharpEdge.Analyze(example.CSharp);
        var reportedInYaml = YamlEdge.Load(example.Yaml);
        output.WriteLine($"C#:\n  {string.Join("\n  ", reportedInCSharp)}\nYAML:\n  {string.Join("\n  ", reportedInYaml)}");

        var csharp = Masked(reportedInCSharp, example);
        var yaml = Masked(reportedInYaml, example);
        var both = $"C#:\n  {string.Join("\n  ", csharp)}\nYAML:\n  {string.Join("\n  ", yaml)}";

        // The mistake: both edges report the rule, with the same severity and message(s).
        Assert.True(csharp.Any(d => d.Id == id), $"C# does not report {id}.\n{both}");
        Assert.True(yaml.Any(d => d.Id == id), $"YAML does not report {id}.\n{both}");
        Assert.Equal(Messages(csharp, id), Messages(yaml, id));

        // Nothing else differs: the examples are clean apart from the mistake (no edge-only rule fires), so every
        // rule they trigger, the follow-ons included, must agree as well. (Compared as sets: C# reports WF0003 at
        // each class that claims the job type, the set of YAML files once.)
        Assert.True(!csharp.Any(d => d.Id.StartsWith("WF6", StringComparison.Ordinal)), $"The C# example trips a C#-only rule.\n{both}");
        // WF4005 (not run yet) is a YAML import rule the analyzers report too, at the DSL call.
        Assert.True(!yaml.Any(d => d.Id.StartsWith("WF4", StringComparison.Ordinal) && d.Id != WorkflowDiagnostics.NotRunYetId && d.Id != id), $"The YAML example trips a YAML-only rule.\n{both}");
        Assert.Equal(Keys(csharp), Keys(yaml));
    }

    [Fact]
    public void Every_rule_has_a_parity_case_or_is_excluded_for_being_edge_only()
    {
        var catalogue = WorkflowDiagnostics.All.Select(r => r.Id).ToList();
        var cases = ParityCases.All.Select(c => c.Id).ToList();

        Assert.Equal(cases.Distinct(StringComparer.Ordinal), cases); // one case per rule
        Assert.Empty(cases.Intersect(Excluded.Keys, StringComparer.Ordinal));
        Assert.Equal(catalogue.Order(StringComparer.Ordinal), cases.Concat(Excluded.Keys).Order(StringComparer.Ordinal));

        // Exactly these are excluded, and each because it belongs to one edge: WF4xxx are the YAML importer's (but WF4005
        // and WF4012, which the analyzers report at the DSL call too), WF6xxx C#'s,
        // WF5002 (two executor calls) can only be written in C#, and WF0006 (one job type in several YAML files) is
        // `workflows validate`'s, over files.
        Assert.Equal(
            ["WF0006", "WF4001", "WF4002", "WF4003", "WF4004", "WF4006", "WF4007", "WF4008", "WF4009", "WF4010", "WF4011", "WF4013", "WF5002", "WF6001", "WF6002", "WF6003", "WF6004"],
            Excluded.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, why) in Excluded)
        {
            var rule = WorkflowDiagnostics.All.Single(r => r.Id == id);
            Assert.Equal(id.StartsWith("WF4", StringComparison.Ordinal) ? "Yaml" : id == "WF5002" ? "Executors" : id == "WF0006" ? "Dag" : "CSharp", rule.Category);
            Assert.StartsWith(id == WorkflowDiagnostics.NotRunYetId ? "YAML's id, reported by both edges" : rule.Category == "Yaml" || id == "WF0006" ? "YAML only: " : "C# only: ", why, StringComparison.Ordinal);
        }
    }

    /// <summary>The C# side of WF4005: a DSL call that sets a key the runtime does not run yet gets the same message as that key in YAML.</summary>
    [Fact]
    public async Task Not_run_yet_keys_get_the_same_WF4005_in_CSharp_and_YAML()
    {
        var csharp = await CSharpEdge.Analyze("""
            [Workflow("pods")]
            public sealed partial class Pods : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("build").Method(Workflows.Definitions.TaskMethod.Kubernetes).Container("alpine").Script("make").PodLabel("team", "ci").NodeSelector("disk", "ssd");
            }
            """);
        var yaml = YamlEdge.Load(["""
            job_type: pods
            tasks:
            - task_type: build
              method: KUBERNETES
              container:
                image: alpine
              script:
                - make
              pod_labels:
                team: ci
              node_selector:
                disk: ssd
            """]);
        output.WriteLine($"C#:\n  {string.Join("\n  ", csharp)}\nYAML:\n  {string.Join("\n  ", yaml)}");

        Assert.Equal(3, csharp.Count(d => d.Id == WorkflowDiagnostics.NotRunYetId));
        Assert.Equal(Keys(yaml), Keys(csharp));
    }

    /// <summary>The case's rule's messages with its <see cref="ParityCase.LanguageArguments"/> replaced by '…'.</summary>
    private static List<Reported> Masked(IEnumerable<Reported> reported, ParityCase example) => reported
        .Select(d => d.Id == example.Id && example.LanguageArguments.Count > 0
            ? d with { Message = MessageFormat.Mask(WorkflowDiagnostics.All.Single(r => r.Id == d.Id), d.Message, example.LanguageArguments) }
            : d)
        .ToList();

    private static List<string> Messages(IEnumerable<Reported> reported, string id) =>
        reported.Where(d => d.Id == id).Select(d => d.Key).Distinct().Order(StringComparer.Ordinal).ToList();

    private static List<string> Keys(IEnumerable<Reported> reported) =>
        reported.Select(d => d.Key).Distinct().Order(StringComparer.Ordinal).ToList();
}

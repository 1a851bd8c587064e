using System.Text.RegularExpressions;
using Workflows.Definitions;
using Workflows.Yaml.Writing;
using Y = YamlDotNet.RepresentationModel;

namespace Workflows.Yaml.Tests;

/// <summary>
/// Fixtures/corpus: realistic job definitions that together write every key the loader knows, every method and every
/// Go template form the translator supports. Each loads without errors and round-trips through the writer.
/// (tests/Workflows.Cli.Tests translates and compiles each of them too.)
/// </summary>
public class CorpusTests
{
    /// <summary>
    /// Corpus files the writer cannot round-trip, and why: the Scriban a Go <c>range</c>/<c>with</c>/<c>and</c>/<c>or</c>/
    /// <c>not</c>/<c>index</c>/<c>$x :=</c> template becomes has no verified Go form (<see cref="ScribanToGo"/>), so the writer
    /// writes the Scriban text as it is, and the loader reads that back as a Go template and rejects it (WF3001, WF4006).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> WriterExclusions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["17-template-logic.yaml"] = "and/or/not and a multi-value eq become Scriban &&, ||, ! which ScribanToGo does not convert back",
        ["18-template-range.yaml"] = "range becomes Scriban 'for … in' (with for.index), which ScribanToGo does not convert back",
        ["19-template-with-vars.yaml"] = "with, $x := v and index become Scriban '$with = X; if $with', '$x = v' and m[\"k\"], which ScribanToGo does not convert back",
        ["23-template-keyword-fields.yaml"] = "a field named like a Scriban keyword becomes this[\"empty\"], which ScribanToGo does not convert back",
    };

    public static string Folder => Path.Combine(Repo.Root, "tests", "Workflows.Yaml.Tests", "Fixtures", "corpus");

    public static IEnumerable<string> Files => Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> Names() => new(Files);

    public static TheoryData<string> RoundTripNames() => new(Files.Where(f => !WriterExclusions.ContainsKey(f)));

    private static YamlLoadResult Load(string name) => YamlJobLoader.Load(File.ReadAllText(Path.Combine(Folder, name)), "corpus/" + name);

    [Fact]
    public void The_corpus_has_at_least_30_definitions_with_distinct_job_types()
    {
        Assert.True(Files.Count() >= 30, $"{Files.Count()} files in {Folder}");
        var types = Files.Select(f => Load(f).Definition!.JobType).ToList();
        Assert.Equal(types.Count, types.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_definition_loads_without_errors(string name)
    {
        var loaded = Load(name);
        Assert.True(loaded.Succeeded, string.Join(Environment.NewLine, loaded.Problems));
    }

    [Theory]
    [MemberData(nameof(RoundTripNames))]
    public void Each_definition_loads_writes_and_loads_equal(string name)
    {
        var first = Load(name);
        Assert.True(first.Succeeded, string.Join(Environment.NewLine, first.Problems));
        var written = YamlJobWriter.Write(first.Definition!);
        var second = YamlJobLoader.Load(written, "written.yaml");
        Assert.False(second.HasErrors, string.Join(Environment.NewLine, second.Problems) + Environment.NewLine + written);
        Assert.Equal(first.Definition, second.Definition);
    }

    [Fact]
    public void The_writer_exclusions_name_corpus_files_that_really_do_not_round_trip()
    {
        foreach (var (name, why) in WriterExclusions)
        {
            Assert.False(string.IsNullOrWhiteSpace(why), name);
            Assert.Contains(name, Files);
            var first = Load(name).Definition!;
            var second = YamlJobLoader.Load(YamlJobWriter.Write(first), "written.yaml");
            Assert.False(second.Succeeded && first.Equals(second.Definition), $"{name} round-trips now: remove it from {nameof(WriterExclusions)}.");
        }
    }

    [Fact]
    public void Together_they_use_every_method()
    {
        var used = Files.SelectMany(f => Load(f).Definition!.Tasks).Where(t => t.Method is not null).Select(t => t.Method!.Value.ToYaml()).ToHashSet();
        var missing = KnownKeys.Methods.Where(m => !used.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "Methods no corpus file uses: " + string.Join(", ", missing));
    }

    [Fact]
    public void Together_they_write_every_known_key()
    {
        var used = new HashSet<(string Part, string Key)>();
        foreach (var file in Files)
        {
            var text = TemplateLines.Prepare(File.ReadAllText(Path.Combine(Folder, file)), []);
            var stream = new Y.YamlStream();
            stream.Load(new StringReader(text));
            Collect("job", stream.Documents[0].RootNode, used);
        }

        var expected = new (string Part, string[] Keys)[]
        {
            ("job", [.. KnownKeys.Job, .. KnownKeys.JobComputed]), ("task", KnownKeys.Task), ("container", KnownKeys.Container),
            ("artifacts", KnownKeys.Artifacts), ("cache", KnownKeys.Cache), ("service", KnownKeys.Service), ("webhook", KnownKeys.Webhook),
            ("notify", KnownKeys.NotifyChannel), ("resources", KnownKeys.Resource), ("extract_config", KnownKeys.ExtractConfig),
            ("trigger", KnownKeys.Trigger), ("auth", KnownKeys.TriggerAuth), ("rate_limit", KnownKeys.RateLimit),
            ("approval_policy", KnownKeys.Approval), ("fan_out", KnownKeys.FanOut), ("sub_workflow", KnownKeys.SubWorkflow),
            ("retry_backoff_policy", KnownKeys.Backoff), ("name_value", KnownKeys.NameValue), ("retry_on", KnownKeys.RetryRule),
        };
        var missing = expected.SelectMany(e => e.Keys.Where(k => !used.Contains((e.Part, k))).Select(k => $"{e.Part}.{k}")).ToList();
        Assert.True(missing.Count == 0, "Keys no corpus file writes: " + string.Join(", ", missing));
    }

    /// <summary>Each Go template form of docs/yaml.md's table (and <c>GoTemplateTranslator</c>), as written in the corpus.</summary>
    [Theory]
    [InlineData("field", @"\{\{-?\s*\.[A-Za-z]")]
    [InlineData("nested field", @"\.Body\.ref")]
    [InlineData("function call", @"\{\{ Random \d+ \d+ \}\}")]
    [InlineData("nested call", @"Add \d+ \(Add")]
    [InlineData("eq", @"if eq \.")]
    [InlineData("ne", @"if ne \.")]
    [InlineData("lt", @"if lt \.")]
    [InlineData("le", @"if le \.")]
    [InlineData("gt", @"if gt [.$]")]
    [InlineData("ge", @"if ge \.")]
    [InlineData("eq with several values", @"eq \.\w+ ""[^""]*"" ""[^""]*""")]
    [InlineData("and", @"\(?and \.")]
    [InlineData("or", @"\(?or \.")]
    [InlineData("not", @"\(?not \.")]
    [InlineData("else if", @"\{\{ else if ")]
    [InlineData("else", @"\{\{ else \}\}")]
    [InlineData("pipeline", @"\| lower \| replace")]
    [InlineData("range over a variable", @"\{\{ range \.\w+ \}\}")]
    [InlineData("range with index and element", @"range \$i, \$e := Iterate")]
    [InlineData("range else", @"range \.Shards \}\}.*\{\{ else \}\}")]
    [InlineData("break", @"\{\{ break \}\}")]
    [InlineData("continue", @"\{\{ continue \}\}")]
    [InlineData("with", @"\{\{ with \.")]
    [InlineData("dot inside with or range", @"\{\{ \. \}\}")]
    [InlineData("variable declaration", @"\$\w+ := ")]
    [InlineData("variable assignment", @"\$\w+ = ")]
    [InlineData("index", @"index \.\w+ ""\w+""")]
    [InlineData("trim markers", @"\{\{-.*-\}\}")]
    [InlineData("comment", @"\{\{/\*.*\*/\}\}")]
    [InlineData("control line between list items", @"(?m)^\s*\{\{ if .*\}\}\s*$")]
    [InlineData("field named like a Scriban keyword", @"\{\{ \.(empty|case) \}\}")]
    [InlineData("helper functions", @"trimPrefix.*trimSuffix")]
    [InlineData("printf and len", @"printf ""[^""]*"".*len \.")]
    [InlineData("default", @"default ""\w+"" \.")]
    public void Together_they_write_every_template_form(string form, string pattern)
    {
        var texts = Files.Select(f => File.ReadAllText(Path.Combine(Folder, f)));
        Assert.True(texts.Any(t => Regex.IsMatch(t, pattern)), $"No corpus file writes the template form '{form}' ({pattern}).");
    }

    private static void Collect(string part, Y.YamlNode node, HashSet<(string, string)> used)
    {
        switch (node)
        {
            case Y.YamlSequenceNode list:
                foreach (var item in list)
                {
                    Collect(part, item, used);
                }

                break;
            case Y.YamlMappingNode map:
                foreach (var (keyNode, value) in map.Children)
                {
                    var key = ((Y.YamlScalarNode)keyNode).Value!;
                    used.Add((part, key));
                    var inner = (part, key) switch
                    {
                        ("job", "tasks") => "task",
                        ("job", "triggers") => "trigger",
                        ("job" or "task", "job_variables" or "variables") when value is Y.YamlSequenceNode => "name_value",
                        ("sub_workflow", "input_params" or "output_variables") => "name_value",
                        ("job" or "task", "webhook" or "resources" or "retry_backoff_policy") => key,
                        ("job", "notify") => "notify-channels",
                        ("notify-channels", _) => "notify",
                        ("resources", "extract_config") => key,
                        ("trigger", "auth" or "rate_limit") => key,
                        ("task", "container" or "artifacts" or "cache" or "approval_policy" or "fan_out" or "sub_workflow") => key,
                        ("task", "services") => "service",
                        ("task", "retry_on") => "retry_on",
                        ("retry_on", "retry_backoff_policy") => key,
                        _ => null,
                    };
                    if (inner is not null)
                    {
                        Collect(inner, value, used);
                    }
                }

                break;
        }
    }
}

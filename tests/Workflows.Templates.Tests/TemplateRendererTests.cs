using System.Collections;
using System.Globalization;
using System.Reflection;
using Workflows.Yaml;

namespace Workflows.Templates.Tests;

public class TemplateRendererTests
{
    private static readonly DateTimeOffset July4 = new(2024, 7, 4, 10, 20, 30, TimeSpan.Zero);

    private static TemplateScope Scope(params (string Name, string Value)[] variables) => Scope(new Random(7), variables);

    private static TemplateScope Scope(Random random, params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value), July4, random);

    private static string Render(string template, params (string Name, string Value)[] variables) =>
        TemplateRenderer.Render(template, Scope(variables));

    [Fact]
    public void Variables_render_as_given()
    {
        var scope = Scope(("JobID", "01HX2"), ("JobType", "sensor-job"), ("JobRetry", "1"), ("TaskType", "probe"), ("TaskRetry", "0"), ("Region", "eu-west-1"));
        Assert.Equal("sensor-job 01HX2 try 1/0 of probe in eu-west-1", TemplateRenderer.Render("{{ JobType }} {{ JobID }} try {{ JobRetry }}/{{ TaskRetry }} of {{ TaskType }} in {{ Region }}", scope));
    }

    [Theory]
    [InlineData("0", "https://x/blaaaaahtodos/1")]
    [InlineData("2", "https://x/blaaaaahtodos/1")]
    [InlineData("3", "https://x/todos/1")]
    [InlineData("5", "https://x/todos/1")]
    [InlineData("12", "https://x/todos/1")]
    public void The_sensor_seed_compares_JobElapsedSecs_numerically(string elapsed, string expected)
    {
        // "12" < 3 is true as text: only a numeric comparison gives the second URL.
        const string Url = "{{ if JobElapsedSecs < 3 }}https://x/blaaaaahtodos/1{{ else }}https://x/todos/1{{ end }}";
        Assert.Equal(expected, Render(Url, ("JobElapsedSecs", elapsed)));
    }

    [Fact]
    public void Random_0_3_draws_exactly_0_1_and_2_from_the_scopes_random()
    {
        var scope = Scope(new Random(1234));
        var seen = Enumerable.Range(0, 300).Select(_ => TemplateRenderer.Render("exit {{ Random 0 3 }}", scope)).ToHashSet();
        Assert.Equal(new HashSet<string> { "exit 0", "exit 1", "exit 2" }, seen);

        // Seeded: the same seed gives the same draws.
        string Draws(int seed)
        {
            var s = Scope(new Random(seed));
            return string.Concat(Enumerable.Range(0, 20).Select(_ => TemplateRenderer.Render("{{ Random 10 20 }},", s)));
        }

        Assert.Equal(Draws(99), Draws(99));
        Assert.All(Draws(5).TrimEnd(',').Split(','), n => Assert.InRange(int.Parse(n, CultureInfo.InvariantCulture), 10, 19));
    }

    [Theory]
    [InlineData("{{ Random 3 3 }}", "'Random 3 3' needs min < max")]
    [InlineData("{{ Random 0 \"x\" }}", "'Random' needs a whole number, not 'x'")]
    public void Random_with_a_bad_range_fails(string template, string problem)
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Equal(template, e.Template);
    }

    [Fact]
    public void Nonce_renders_the_attempts_nonce()
    {
        Assert.Equal("echo nonce 6f1c2a", Render("echo nonce {{ Nonce }}", ("Nonce", "6f1c2a")));
        Assert.Equal("echo nonce 0042", Render("echo nonce {{ Nonce }}", ("Nonce", "0042")));
    }

    [Theory]
    [InlineData("{{ Add 1 (Add 2 3) }}", "6")]
    [InlineData("{{ Add JobRetry 1 }}", "3")]
    [InlineData("{{ Add \"4\" 1 }}", "5")]
    public void Add_adds(string template, string expected) => Assert.Equal(expected, Render(template, ("JobRetry", "2")));

    [Theory]
    [InlineData("{{ for $e in Iterate 3; $i = for.index }}{{ $i }}{{ $e }} {{ end }}", "00 11 22 ")]
    [InlineData("{{ for i in Iterate 3 }}echo {{ i }};{{ end }}", "echo 0;echo 1;echo 2;")]
    [InlineData("{{ for i in Iterate 0 }}x{{ end }}", "")]
    [InlineData("{{ for $e in Iterate 5 }}{{ if $e == 1 }}{{ continue }}{{ end }}{{ if $e > 3 }}{{ break }}{{ end }}{{ $e }}{{ end }}", "023")]
    [InlineData("{{ len (Iterate 4) }}", "4")]
    public void Iterate_loops(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void Loops_stop_at_the_limit()
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ for i in Iterate 20000 }}{{ end }}"));
        Assert.Contains("exceeds the limit of 10000 items", e.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateRenderException>(() => Render("{{ while true }}x{{ end }}"));
    }

    [Theory]
    // formicary's replace is (s, old, new): a direct call replaces in the first argument…
    [InlineData("{{ replace Branch \"/\" \"-\" }}", "feature-Login-Page")]
    // …and a translated pipeline ({{ .Branch | lower | replace "/" "-" }}) passes the piped value last, as new: formicary renders "/" too.
    [InlineData("{{ replace \"/\" \"-\" (lower Branch) }}", "/")]
    [InlineData("{{ replace Branch \"\" \"|\" }}", "|f|e|a|t|u|r|e|/|L|o|g|i|n|-|P|a|g|e|")]
    [InlineData("{{ trimPrefix Branch \"feature/\" }}", "Login-Page")]
    [InlineData("{{ trimPrefix \"feature/\" Branch }}", "feature/")]
    [InlineData("{{ trimSuffix Branch \"-Page\" }}", "feature/Login")]
    [InlineData("{{ if hasPrefix Branch \"feature/\" }}yes{{ end }}{{ if hasSuffix Branch \"Page\" }}yes{{ end }}{{ if hasPrefix \"feature/\" Branch }}no{{ end }}", "yesyes")]
    [InlineData("{{ if contains Branch \"Login\" }}login{{ end }}", "login")]
    [InlineData("{{ lower Branch }} {{ upper Branch }}", "feature/login-page FEATURE/LOGIN-PAGE")]
    [InlineData("{{ Unescape \"<b>\" }}", "<b>")]
    public void String_functions_take_formicarys_argument_order(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("Branch", "feature/Login-Page")));

    [Theory]
    [InlineData("{{ default \"main\" Base }}", null, "main")]
    [InlineData("{{ default \"main\" Base }}", "", "main")]
    [InlineData("{{ default \"main\" Base }}", "dev", "dev")]
    [InlineData("{{ default 3 Base }}", "0", "0")]
    public void Default_gives_the_value_unless_it_is_missing_or_empty(string template, string? value, string expected) =>
        Assert.Equal(expected, value is null ? Render(template) : Render(template, ("Base", value)));

    [Fact]
    public void Date_variables_come_from_now_in_utc()
    {
        var scope = new TemplateScope(new Dictionary<string, string>(), July4, new Random(1));
        Assert.Equal("2024 July 4 186 2024-07-04 1720088430", TemplateRenderer.Render("{{ DateYear }} {{ DateMonth }} {{ DateDay }} {{ YearDay }} {{ FullDate }} {{ EpochSecs }}", scope));
        Assert.Equal("true", TemplateRenderer.Render("{{ UnescapeHTML }}", scope));
        Assert.Equal("old", TemplateRenderer.Render("{{ if DateYear > 2000 && YearDay >= 186 }}old{{ end }}", scope));

        var newYear = new TemplateScope(new Dictionary<string, string>(), new DateTimeOffset(2024, 12, 31, 23, 30, 0, TimeSpan.FromHours(-2)), new Random(1));
        Assert.Equal("2025-01-01 January 1 1", TemplateRenderer.Render("{{ FullDate }} {{ DateMonth }} {{ DateDay }} {{ YearDay }}", newYear));

        // A variable of the same name wins over a date variable.
        Assert.Equal("1999-12-31", Render("{{ FullDate }}", ("FullDate", "1999-12-31")));
    }

    [Theory]
    [InlineData("a{{ Missing }}b", "ab")]
    [InlineData("[{{ Body.ref }}][{{ Settings[\"host\"] }}][{{ Missing.a.b }}]", "[][][]")]
    [InlineData("{{ if Missing }}t{{ else }}f{{ end }}", "f")]
    [InlineData("{{ len Missing }}|{{ lower Missing }}|{{ printf \"%s.\" Missing }}", "0||.")]
    [InlineData("{{ for s in Missing }}x{{ end }}.", ".")]
    public void A_missing_variable_renders_as_empty(string template, string expected) => Assert.Equal(expected, Render(template));

    [Theory]
    [InlineData("", "f")]
    [InlineData("0", "f")]
    [InlineData("false", "f")]
    [InlineData("1", "t")]
    [InlineData("true", "t")]
    [InlineData("no", "t")]
    public void Conditions_follow_gos_truthiness(string value, string expected)
    {
        Assert.Equal(expected, Render("{{ if X }}t{{ else }}f{{ end }}", ("X", value)));
        Assert.Equal(expected == "t" ? "f" : "t", Render("{{ if !X }}t{{ else }}f{{ end }}", ("X", value)));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("-12")]
    [InlineData("007")]
    [InlineData("+5")]
    [InlineData("-0")]
    [InlineData("1.5")]
    [InlineData("1.50")]
    [InlineData("0.1")]
    [InlineData("1e3")]
    [InlineData("12345678901234567890")]
    [InlineData("9223372036854775807")]
    [InlineData("1,5")]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("v1.2.3")]
    [InlineData("  3")]
    public void Every_value_renders_exactly_as_given_whatever_the_culture(string value)
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal("<" + value + ">", Render("<{{ X }}>", ("X", value)));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("5", "{{ X == 5 }} {{ X + 1 }}", "true 6")]
    [InlineData("1.5", "{{ X > 1 }} {{ X * 2 }}", "true 3")]
    [InlineData("007", "{{ X + \"1\" }}", "0071")]
    public void Canonical_numbers_are_numbers_and_other_text_stays_text(string value, string template, string expected) =>
        Assert.Equal(expected, Render(template, ("X", value)));

    [Theory]
    [InlineData("{{ Settings }}", "{ \"host\": \"db\", \"port\": 5432, \"tags\": [\"a\", \"b\"] }")]
    [InlineData("{{ Settings.host }}:{{ Settings[\"port\"] + 1 }}", "db:5433")]
    [InlineData("{{ index Settings \"host\" }} {{ Settings.tags }} {{ Settings.tags[1] }} {{ len Settings }}", "db [\"a\", \"b\"] b 3")]
    [InlineData("{{ for s in Shards }}{{ s.name }}:{{ s.port }};{{ end }} {{ Shards }}", "a:1;b:2; [{\"name\":\"a\",\"port\":1},{\"name\":\"b\",\"port\":2}]")]
    [InlineData("{{ if Empty }}t{{ else }}f{{ end }}{{ if Shards }}t{{ else }}f{{ end }}", "ft")]
    [InlineData("{{ printf \"%v|%s\" Settings.tags Empty }} {{ upper Empty }}", "[\"a\", \"b\"]|[] []")]
    [InlineData("{{ Broken }}", "{not json")]
    public void Json_variables_can_be_navigated_and_render_as_given(string template, string expected) =>
        Assert.Equal(expected, Render(
            template,
            ("Settings", "{ \"host\": \"db\", \"port\": 5432, \"tags\": [\"a\", \"b\"] }"),
            ("Shards", "[{\"name\":\"a\",\"port\":1},{\"name\":\"b\",\"port\":2}]"),
            ("Empty", "[]"),
            ("Broken", "{not json")));

    [Fact]
    public void Json_variables_cannot_be_changed_by_a_template()
    {
        var scope = Scope(("Settings", "{\"host\":\"db\"}"));
        Assert.Throws<TemplateRenderException>(() => TemplateRenderer.Render("{{ Settings.host = 'x' }}", scope));
        Assert.Equal("db", TemplateRenderer.Render("{{ Settings.host }}", scope));
    }

    [Fact]
    public void A_parse_error_names_the_template_and_the_position()
    {
        const string Template = "{{ if JobRetry > 0 }}retry";
        var e = Assert.Throws<TemplateRenderException>(() => Render(Template));
        Assert.StartsWith("Template '{{ if JobRetry > 0 }}retry' could not be rendered: it does not parse: line 1, column ", e.Message, StringComparison.Ordinal);
        Assert.Contains("end", e.Problem, StringComparison.Ordinal);
        Assert.Equal(Template, e.Template);

        var second = Assert.Throws<TemplateRenderException>(() => Render("echo\n{{ 1 + }}"));
        Assert.Contains("line 2, column 8", second.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ SubmitJob \"resize\" \"desc\" \"A=1\" }}", "")]
    [InlineData("{{ SubmitJobsFromJSON \"resize\" Items }}", "")]
    [InlineData("{{ CountByJobTypeAndState \"etl\" \"PENDING\" }}", "0")]
    [InlineData("{{ if (CountByJobTypeAndState \"etl\" \"PENDING\") >= 10 }}true{{ end }}", "")]
    public void Without_a_job_store_the_job_functions_count_0_and_submit_nothing_as_formicary_does_without_a_database(string template, string expected)
    {
        Assert.Equal(expected, Render(template, ("Items", "[{\"A\":\"1\"}]")));
    }

    [Fact]
    public void An_unknown_function_fails_naming_it()
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render("echo {{ Frobnicate 1 2 }}"));
        Assert.Equal("Template 'echo {{ Frobnicate 1 2 }}' could not be rendered: line 1, column 9: The function `Frobnicate` was not found", e.Message);
    }

    [Theory]
    [InlineData("plain text, no template")]
    [InlineData("echo { single } braces }}")]
    [InlineData("")]
    public void Text_without_a_template_is_returned_unchanged(string text)
    {
        Assert.False(TemplateRenderer.IsTemplate(text));
        Assert.Same(text, TemplateRenderer.Render(text, Scope()));
    }

    [Fact]
    public void IsTemplate_looks_for_double_braces()
    {
        Assert.True(TemplateRenderer.IsTemplate("a {{ b }}"));
        Assert.True(TemplateRenderer.IsTemplate("{{"));
        Assert.False(TemplateRenderer.IsTemplate(null));
    }

    [Theory]
    [InlineData("{{ printf \"%s-%d\" Branch 7 }}", "main-7")]
    [InlineData("{{ printf \"%v|%q|%t|%5d|%-4s|%05d|%.2f|%x|%X|%%\" Count Branch true 42 \"ab\" (-42) 3.14159 255 \"hi\" }}", "3|\"main\"|true|   42|ab  |-0042|3.14|ff|6869|%")]
    [InlineData("{{ printf \"%d %d\" 1 }}", "1 %!d(MISSING)")]
    [InlineData("{{ printf \"%d\" 1 2 }}", "1%!(EXTRA int=2)")]
    [InlineData("{{ printf \"%d\" \"x\" }}", "%!d(string=x)")]
    [InlineData("{{ printf \"%v %v %v\" 1234567.0 0.00001 0.5 }}", "1.234567e+06 1e-05 0.5")]
    [InlineData("{{ print \"a\" 1 2 \"b\" }}", "a1 2b")]
    [InlineData("{{ println \"a\" 1 }}", "a 1\n")]
    [InlineData("{{ len Branch }} {{ len (Dict \"a\" 1 \"b\" 2) }}", "4 2")]
    [InlineData("{{ index (Dict \"host\" \"db\") \"host\" }} {{ index (Iterate 5) 3 }} {{ index Branch 0 }}", "db 3 109")]
    [InlineData("{{ slice Branch 1 3 }} {{ slice Branch 2 }} {{ slice (Iterate 5) 1 3 }}", "ai in [1, 2]")]
    [InlineData("{{ (Dict \"a\" 1 \"b\" Branch).b }}", "main")]
    [InlineData("{{ urlquery \"a b&c=d/é~\" }}", "a+b%26c%3Dd%2F%C3%A9~")]
    [InlineData("{{ html \"<a href='x'>&\\\"</a>\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;")]
    [InlineData("{{ html.escape \"<b>\" }}", "&lt;b&gt;")]
    [InlineData("{{ js \"it's <b>=\\\"\\n\" }}", "it\\'s \\u003Cb\\u003E\\u003D\\\"\\u000A")]
    [InlineData("{{ MarkdownLink \"[docs](https://x.io/a?b=1&c=2)\" }}", "<a href=\"https://x.io/a?b=1&amp;c=2\" target=\"_blank\" rel=\"noopener noreferrer\">docs</a>")]
    [InlineData("{{ MarkdownLink \"https://x.io\" }}", "<a href=\"https://x.io\" target=\"_blank\" rel=\"noopener noreferrer\">https://x.io</a>")]
    [InlineData("{{ MarkdownLink \"[x](javascript:alert(1))\" }}", "[x](javascript:alert(1))")]
    [InlineData("{{ MarkdownLink \"<b>\" }}", "&lt;b&gt;")]
    [InlineData("{{ formatTime \"2024-07-04T10:20:30Z\" }} {{ FormatTime Missing }}", "2024-07-04 10:20:30 —")]
    [InlineData("{{ Percent100 3 4 }} {{ Percent100 9 4 }} {{ Percent100 1 0 }}", "75 100 100")]
    [InlineData("{{ atoi \" 42abc\" }} {{ atoi \"x\" }} {{ atof \"2.5kg\" }} {{ atoi Count }}", "42 0 2.5 3")]
    [InlineData("{{ string.upcase Branch }} {{ math.round 1.6 }}", "MAIN 2")]
    public void Formicarys_and_gos_functions_work(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("Branch", "main"), ("Count", "3")));

    [Theory]
    [InlineData("echo {{ shell_quote Name }}", "echo '$(id -un); rm -rf ~'")]
    [InlineData("echo {{ Name | shell_quote }}", "echo '$(id -un); rm -rf ~'")]
    [InlineData("echo {{ Quote | shell_quote }}", "echo 'it'\\''s \"$HOME\" `x`'")]
    [InlineData("echo {{ shell_quote Missing }} {{ shell_quote 42 }}", "echo '' '42'")]
    public void Shell_quote_makes_one_sh_word_of_any_value(string template, string expected) =>
        Assert.Equal(expected, Render(template, ("Name", "$(id -un); rm -rf ~"), ("Quote", "it's \"$HOME\" `x`")));

    [Fact]
    public void Shell_quote_refuses_a_line_break_it_cannot_keep_on_one_line()
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render("echo {{ shell_quote Name }}", ("Name", "a\nrm -rf ~")));
        Assert.Contains("'shell_quote' cannot quote a value with a line break", e.Message, StringComparison.Ordinal);
        Assert.Contains("$WORKFLOWS_PARAM_X", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ Dict \"a\" }}", "'Dict' needs key/value pairs")]
    [InlineData("{{ index (Iterate 2) 5 }}", "'index' out of range: 5 of length 2")]
    [InlineData("{{ len 5 }}", "'len' of a int value")]
    public void Function_errors_name_the_problem(string template, string problem)
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Template '{template}' could not be rendered: line 1, column ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_win_over_variables_of_the_same_name()
    {
        Assert.Equal("MAIN", Render("{{ upper Branch }}", ("Branch", "main"), ("upper", "shadow")));
    }

    [Fact]
    public void Assignments_stay_in_their_render()
    {
        var scope = Scope(("X", "1"));
        Assert.Equal("2", TemplateRenderer.Render("{{ X = 2; X }}", scope));
        Assert.Equal("1", TemplateRenderer.Render("{{ X }}", scope));
        Assert.Equal("v", TemplateRenderer.Render("{{ lower = 'v'; lower }}", scope));
        Assert.Equal("ab", TemplateRenderer.Render("{{ lower \"AB\" }}", scope));
    }

    [Fact]
    public void Renders_in_parallel_see_their_own_scope()
    {
        var results = new string[400];
        Parallel.For(0, results.Length, i =>
        {
            var scope = Scope(new Random(i), ("JobElapsedSecs", (i % 6).ToString(CultureInfo.InvariantCulture)), ("Nonce", "n" + i));
            results[i] = TemplateRenderer.Render("{{ Nonce }}:{{ if JobElapsedSecs < 3 }}early{{ else }}late{{ end }}:{{ Random 0 3 }}:" + (i % 7), scope);
        });

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Matches($"^n{i}:{(i % 6 < 3 ? "early" : "late")}:[012]:{i % 7}$", results[i]);
        }
    }

    private static IEnumerable<string> Files => Directory.GetFiles(CorpusFolder, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    public static TheoryData<string> CorpusFiles() => new(Files);

    private static string CorpusFolder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found"), "tests", "Workflows.Yaml.Tests", "Fixtures", "corpus");
        }
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_translated_template_of_the_yaml_corpus_renders(string file)
    {
        var loaded = YamlJobLoader.Load(File.ReadAllText(Path.Combine(CorpusFolder, file)), "corpus/" + file);
        Assert.True(loaded.Succeeded, string.Join(Environment.NewLine, loaded.Problems));
        var job = loaded.Definition!;

        var variables = new Dictionary<string, string>
        {
            ["JobID"] = "01J2ZK7Q", ["JobType"] = job.JobType, ["JobRetry"] = "1", ["JobElapsedSecs"] = "4", ["TaskType"] = "task",
            ["TaskRetry"] = "0", ["Nonce"] = "5c1d", ["UserID"] = "u1", ["OrganizationID"] = "o1",
        };
        foreach (var variable in job.JobVariables.Where(v => !TemplateRenderer.IsTemplate(v.Value)))
        {
            variables[variable.Name] = variable.Value;
        }

        var scope = new TemplateScope(variables, July4, new Random(3));
        var templates = Strings(job).Where(TemplateRenderer.IsTemplate).Distinct().ToList();
        foreach (var template in templates)
        {
            var rendered = TemplateRenderer.Render(template, scope);
            Assert.False(TemplateRenderer.IsTemplate(rendered), $"{template} -> {rendered}");
        }
    }

    [Fact]
    public void The_corpus_has_templates_to_render()
    {
        var count = Files.Sum(file => Strings(YamlJobLoader.Load(File.ReadAllText(Path.Combine(CorpusFolder, file)), file).Definition!).Count(TemplateRenderer.IsTemplate));
        Assert.True(count >= 40, $"{count} templates");
    }

    /// <summary>Every string of a definition, walking the model's records and lists.</summary>
    private static IEnumerable<string> Strings(object? value)
    {
        switch (value)
        {
            case null:
                yield break;
            case string s:
                yield return s;
                yield break;
            case IEnumerable items:
                foreach (var item in items)
                {
                    foreach (var s in Strings(item))
                    {
                        yield return s;
                    }
                }

                yield break;
        }

        var type = value.GetType();
        if (type.Namespace?.StartsWith("Workflows", StringComparison.Ordinal) != true || type.IsEnum)
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            foreach (var s in Strings(property.GetValue(value)))
            {
                yield return s;
            }
        }
    }
}

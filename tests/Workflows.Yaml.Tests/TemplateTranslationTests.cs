using Scriban;
using Scriban.Runtime;
using Workflows.Templates;

namespace Workflows.Yaml.Tests;

/// <summary>Go text/template → Scriban, one row per form.</summary>
public class TemplateTranslationTests
{
    [Theory]
    // text and fields
    [InlineData("date", "date")]
    [InlineData("echo nonce {{.Nonce}}", "echo nonce {{ Nonce }}")]
    [InlineData("{{ .A.B }}", "{{ A.B }}")]
    [InlineData("{{ .end }}", "{{ this[\"end\"] }}")]
    [InlineData("{{/* a comment */}}x", "x")]
    [InlineData("a {{- .X -}} b", "a{{ X }}b")]
    [InlineData("a\n  {{- .X }}\n", "a{{ X }}\n")]
    // literals
    [InlineData("{{ \"a\\\"b\\n\" }}", "{{ \"a\\\"b\\n\" }}")]
    [InlineData("{{ `raw \\n` }}", "{{ \"raw \\\\n\" }}")]
    [InlineData("{{ 0x1F }}", "{{ 31 }}")]
    [InlineData("{{ 1_000 }}", "{{ 1000 }}")]
    [InlineData("{{ 'a' }}", "{{ 97 }}")]
    [InlineData("{{ nil }}", "{{ null }}")]
    [InlineData("{{ true }}", "{{ true }}")]
    // functions, kept by name with Go's argument order
    [InlineData("exit {{ Random 0 3 }}", "exit {{ Random 0 3 }}")]
    [InlineData("{{ Random -1 3 }}", "{{ Random (-1) 3 }}")]
    [InlineData("{{ Add 1 (Add 2 3) }}", "{{ Add 1 (Add 2 3) }}")]
    [InlineData("{{ Iterate 3 }}", "{{ Iterate 3 }}")]
    [InlineData("{{ Dict \"a\" 1 \"b\" .X }}", "{{ Dict \"a\" 1 \"b\" X }}")]
    [InlineData("{{ default \"none\" .Region }}", "{{ default \"none\" Region }}")]
    [InlineData("{{ trimPrefix \"v\" .Version }}", "{{ trimPrefix \"v\" Version }}")]
    [InlineData("{{ trimSuffix \".git\" .Repo }}", "{{ trimSuffix \".git\" Repo }}")]
    [InlineData("{{ lower .Name }}-{{ upper .Name }}", "{{ lower Name }}-{{ upper Name }}")]
    [InlineData("{{ replace .S \"a\" \"b\" }}", "{{ replace S \"a\" \"b\" }}")]
    [InlineData("{{ printf \"%s-%d\" .A 3 }}", "{{ printf \"%s-%d\" A 3 }}")]
    [InlineData("{{ index .M \"k\" 0 }}", "{{ M[\"k\"][0] }}")]
    [InlineData("{{ .Obj.Method 1 }}", "{{ Obj.Method 1 }}")]
    [InlineData("{{ (Dict \"a\" 1).a }}", "{{ (Dict \"a\" 1).a }}")]
    // pipelines: the piped value is the last argument, as in Go
    [InlineData("{{ .X | lower }}", "{{ lower X }}")]
    [InlineData("{{ .X | replace \"a\" \"b\" | upper }}", "{{ upper (replace \"a\" \"b\" X) }}")]
    [InlineData("{{ .X | printf \"%q\" }}", "{{ printf \"%q\" X }}")]
    // conditions and operators
    [InlineData("{{ if lt .JobElapsedSecs 3 }}a{{ else }}b{{ end }}", "{{ if JobElapsedSecs < 3 }}a{{ else }}b{{ end }}")]
    [InlineData("{{ if eq .A 1 }}a{{ else if ne .A 2 }}b{{ else }}c{{ end }}", "{{ if A == 1 }}a{{ else if A != 2 }}b{{ else }}c{{ end }}")]
    [InlineData("{{ if le .A 1 }}{{ end }}{{ if gt .A 1 }}{{ end }}{{ if ge .A 1 }}{{ end }}", "{{ if A <= 1 }}{{ end }}{{ if A > 1 }}{{ end }}{{ if A >= 1 }}{{ end }}")]
    [InlineData("{{ if eq .A 1 2 3 }}y{{ end }}", "{{ if (A == 1) || (A == 2) || (A == 3) }}y{{ end }}")]
    [InlineData("{{ if and (gt .A 1) (lt .A 5) }}y{{ end }}", "{{ if (A > 1) && (A < 5) }}y{{ end }}")]
    [InlineData("{{ if or .A .B (not .C) }}y{{ end }}", "{{ if A || B || (!C) }}y{{ end }}")]
    [InlineData("{{ if not (eq .A \"x\") }}y{{ end }}", "{{ if !(A == \"x\") }}y{{ end }}")]
    [InlineData("{{ if lt (Add .A 1) 3 }}y{{ end }}", "{{ if (Add A 1) < 3 }}y{{ end }}")]
    [InlineData("{{ if hasPrefix .Branch \"release/\" }}y{{ end }}", "{{ if hasPrefix Branch \"release/\" }}y{{ end }}")]
    [InlineData("{{ if contains .Msg \"skip\" }}y{{ end }}", "{{ if contains Msg \"skip\" }}y{{ end }}")]
    [InlineData("{{ if hasSuffix .File \".csv\" }}y{{ end }}", "{{ if hasSuffix File \".csv\" }}y{{ end }}")]
    [InlineData("{{ eq .A 1 }}", "{{ A == 1 }}")]
    [InlineData("{{ not .A }}", "{{ !A }}")]
    // variables, range and with
    [InlineData("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "{{ $x = 1 }}{{ $x = 2 }}{{ $x }}")]
    [InlineData("{{ range .Items }}{{ .Name }},{{ end }}", "{{ for $item in Items }}{{ $item.Name }},{{ end }}")]
    [InlineData("{{ range .Items }}{{ . }}{{ else }}none{{ end }}", "{{ for $item in Items }}{{ $item }}{{ else }}none{{ end }}")]
    [InlineData("{{ range $e := Iterate 3 }}{{ $e }}{{ end }}", "{{ for $e in Iterate 3 }}{{ $e }}{{ end }}")]
    [InlineData("{{ range $i, $e := Iterate 3 }}{{ $i }}={{ $e }}{{ end }}", "{{ for $e in Iterate 3; $i = for.index }}{{ $i }}={{ $e }}{{ end }}")]
    [InlineData("{{ range .A }}{{ range .B }}{{ .C }}{{ end }}{{ end }}", "{{ for $item in A }}{{ for $item2 in $item.B }}{{ $item2.C }}{{ end }}{{ end }}")]
    [InlineData("{{ range .A }}{{ $.Root }}{{ if .On }}{{ break }}{{ end }}{{ continue }}{{ end }}", "{{ for $item in A }}{{ Root }}{{ if $item.On }}{{ break }}{{ end }}{{ continue }}{{ end }}")]
    [InlineData("{{ with .User }}{{ .Name }}{{ else }}anonymous{{ end }}", "{{ $with = User; if $with }}{{ $with.Name }}{{ else }}anonymous{{ end }}")]
    [InlineData("{{ with $u := .User }}{{ $u.Name }}{{ end }}", "{{ $u = User; if $u }}{{ $u.Name }}{{ end }}")]
    [InlineData("{{ if $v := .A }}{{ $v }}{{ end }}", "{{ $v = A; if $v }}{{ $v }}{{ end }}")]
    [InlineData("{{ index . \"build-status\" }}", "{{ this[\"build-status\"] }}")]
    [InlineData("{{ if eq (index . \"fork.ForkedJobID\") \"\" }}none{{ end }}", "{{ if this[\"fork.ForkedJobID\"] == \"\" }}none{{ end }}")]
    public void Go_templates_translate_to_canonical_scriban(string go, string scriban)
    {
        var translation = GoTemplateTranslator.Translate(go);
        Assert.Equal([], translation.Errors.Select(e => e.ToString()));
        Assert.Equal(scriban, translation.Scriban);
        Assert.False(Template.Parse(translation.Scriban!).HasErrors);
    }

    [Theory]
    [InlineData("{{ template \"x\" }}", 0, "named templates ('template') cannot be translated", false)]
    [InlineData("{{ define \"x\" }}{{ end }}", 0, "named templates ('define') cannot be translated", false)]
    [InlineData("a {{ block \"x\" . }}{{ end }}", 2, "named templates ('block') cannot be translated", false)]
    [InlineData("{{ call .F 1 }}", 0, "'call' (calling a function held in a field) cannot be translated", false)]
    [InlineData("{{ or .A \"x\" }}", 0, "'or' used as a value: Go returns one of its operands, Scriban's '||' returns true or false; use it in an 'if', or use 'default' to pick a value", false)]
    [InlineData("{{ . }}", 0, "'.' (the whole data) outside range/with cannot be translated", false)]
    [InlineData("{{ $ }}", 0, "'$' (the whole data) cannot be translated", false)]
    [InlineData("{{ $y }}", 0, "undefined variable '$y'", true)]
    [InlineData("{{ with .A }}{{ else with .B }}{{ end }}", 13, "'else with' in a 'with' block", false)]
    [InlineData("x {{ if .A }}y", 2, "the block has no matching '{{ end }}'", true)]
    [InlineData("{{ end }}", 0, "'end' without a matching if/range/with", true)]
    [InlineData("{{ lt 1 }}", 0, "'lt' takes two operands, not 1", false)]
    [InlineData("{{ 3 4 }}", 0, "'3' is not a function, so it cannot take arguments", true)]
    [InlineData("{{ .A", 0, "the action has no closing '}}'", true)]
    [InlineData("{{ \"abc }}", 0, "the action has no closing '}}'", true)]
    [InlineData("{{ 1i }}", 0, "imaginary number '1i'", false)]
    [InlineData("{{ break }}", 0, "'break' outside 'range'", true)]
    [InlineData("{{ if .A }}{{ end }}{{ empty }}", 20, "the function 'empty' has the name of a Scriban keyword", false)]
    public void Untranslatable_constructs_and_syntax_errors_are_errors_naming_them(string go, int offset, string reason, bool isSyntaxError)
    {
        // A syntax error (Go itself rejects the template) is reported as WF3001 by the loader; the rest as WF4006.
        var translation = GoTemplateTranslator.Translate(go);
        Assert.Null(translation.Scriban);
        Assert.False(translation.Succeeded);
        var error = Assert.Single(translation.Errors);
        Assert.Equal((offset, reason, isSyntaxError), (error.Offset, error.Reason, error.IsSyntaxError));
    }

    [Fact]
    public void Every_error_of_a_template_is_reported()
    {
        var translation = GoTemplateTranslator.Translate("{{ template \"a\" }} and {{ call .F }}");
        Assert.Equal([0, 23], translation.Errors.Select(e => e.Offset));
        Assert.Equal("named templates ('template') cannot be translated ('{{ template \"a\" }}')", translation.Errors[0].ToString());
    }

    [Theory]
    [InlineData("{{ if lt .JobElapsedSecs 3 }}bad{{ else }}good{{ end }}", "bad")]
    [InlineData("{{ if .Empty }}t{{ else }}f{{ end }}", "f")]
    [InlineData("{{ if .Zero }}t{{ else }}f{{ end }}", "f")]
    [InlineData("{{ if and .Empty .Zero }}t{{ else }}f{{ end }}", "f")]
    [InlineData("{{ range $i, $e := Iterate 3 }}{{ $i }}{{ $e }} {{ end }}", "00 11 22 ")]
    [InlineData("{{ with .Empty }}t{{ else }}f{{ end }}", "f")]
    [InlineData("{{ .Name | lower }}", "ci")]
    public void Translations_render_as_go_would_with_go_truthiness(string go, string expected)
    {
        var globals = new ScriptObject
        {
            ["JobElapsedSecs"] = 2,
            ["Empty"] = string.Empty,
            ["Zero"] = 0,
            ["Name"] = "CI",
        };
        globals.Import("Iterate", new Func<int, int[]>(n => Enumerable.Range(0, n).ToArray()));
        globals.Import("lower", new Func<string, string>(s => s.ToLowerInvariant()));
        var context = new GoTemplateContext();
        context.PushGlobal(globals);
        Assert.Equal(expected, Template.Parse(GoTemplateTranslator.Translate(go).Scriban!).Render(context));
    }
}

using CsCheck;

namespace Workflows.Yaml.Tests;

/// <summary>Whatever the text, loading reports problems and never throws.</summary>
public class RobustnessTests
{
    private static readonly string[] Seeds =
    [
        Repo.Read("samples", "legacy-yaml", "retry-job.yaml"),
        Repo.Read("samples", "legacy-yaml", "sensor-job.yaml"),
        Repo.Fixture("all-keys.yaml"),
    ];

    /// <summary>Characters that matter to YAML or to Go templates, plus ordinary ones.</summary>
    private const string Interesting = "{}[]:-#|>*&!'\"\\ \n\t.$()=,%@`0123456789aZ_";

    private enum Edit
    {
        Insert,
        Delete,
        Replace,
        DuplicateLine,
        DeleteLine,
        Truncate,
        InsertTemplate,
    }

    private static readonly string[] Templates = ["{{ if", "{{ end }}", "{{ else }}", "{{ .X }}", "{{ range .A }}", "{{", "}}", "{{- ", " -}}", "{{/* c */}}"];

    private static string Apply(string text, (Edit Kind, int Position, char Char, int Template) edit)
    {
        if (text.Length == 0)
        {
            return edit.Char.ToString();
        }

        var at = edit.Position % text.Length;
        var lines = text.Split('\n').ToList();
        var line = edit.Position % lines.Count;
        switch (edit.Kind)
        {
            case Edit.Insert:
                return text.Insert(at, edit.Char.ToString());
            case Edit.Delete:
                return text.Remove(at, 1);
            case Edit.Replace:
                return text.Remove(at, 1).Insert(at, edit.Char.ToString());
            case Edit.DuplicateLine:
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case Edit.DeleteLine:
                lines.RemoveAt(line);
                return string.Join('\n', lines);
            case Edit.Truncate:
                return text[..at];
            default:
                return text.Insert(at, Templates[edit.Template % Templates.Length]);
        }
    }

    [Fact]
    public void Random_mutations_of_the_seeds_never_throw_and_every_problem_has_a_position()
    {
        var edit = Gen.Select(Gen.Enum<Edit>(), Gen.Int[0, 100_000], Gen.Char[Interesting], Gen.Int[0, 100]);
        var gen = Gen.Select(Gen.Int[0, Seeds.Length - 1], edit.Array[1, 6]);
        gen.Sample(
            sample =>
            {
                var text = sample.Item2.Aggregate(Seeds[sample.Item1], Apply);
                var result = YamlJobLoader.Load(text, "mutated.yaml");
                Assert.All(result.Problems, p => Assert.True(p.Line >= 1 && p.Column >= 1, p.ToString()));
                Assert.True(result.Definition is not null || result.HasErrors, "no definition, yet no error");
            },
            iter: 3000);
    }

    [Fact]
    public void Random_go_templates_never_throw_and_a_translation_always_parses_as_scriban()
    {
        var pieces = Gen.OneOf("{{", "}}", " ", ".X", "$x", ":=", "if", "else", "end", "range", "with", "eq", "and", "not", "|", "(", ")", "\"s\"", "1", "-1", "Random", "text", "-", "/*", "*/", "'a'", "`r`", "$");
        pieces.Array[0, 20].Select(p => string.Concat(p)).Sample(
            template =>
            {
                var translation = GoTemplateTranslator.Translate(template);
                if (translation.Succeeded)
                {
                    Assert.False(Scriban.Template.Parse(translation.Scriban!).HasErrors, translation.Scriban);
                }
                else
                {
                    Assert.NotEmpty(translation.Errors);
                }
            },
            iter: 5000);
    }
}

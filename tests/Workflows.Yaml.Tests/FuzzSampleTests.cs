using Workflows.Fuzzing;

namespace Workflows.Yaml.Tests;

/// <summary>
/// A seeded sample of each in-process fuzz target (docs/fuzzing-and-load.md): the same cases every run, a few seconds
/// each. The long runs (100,000 cases and more) are the benchmark command <c>fuzz --target yaml|templates|scriban</c>.
/// </summary>
public sealed class FuzzSampleTests
{
    private const ulong Seed = 20261207;

    [Fact]
    public void Yaml_loader_sample_never_throws_and_locates_every_problem() =>
        AssertClean(FuzzRun.Run("yaml", YamlFuzz.Inputs, YamlFuzz.Check, text => text, 1500, Seed));

    [Fact]
    public void Go_template_translator_and_renderer_sample_never_throws_beyond_a_render_error() =>
        AssertClean(FuzzRun.Run("templates", TemplateFuzz.Inputs, TemplateFuzz.Check, text => text, 4000, Seed));

    [Fact]
    public void Scriban_checks_and_renderer_sample_never_throw_beyond_a_render_error() =>
        AssertClean(FuzzRun.Run("scriban", ScribanFuzz.Inputs, ScribanFuzz.Check, text => text, 3000, Seed));

    /// <summary>The long templates run of 2026-12-07 (seed 20261207): a hex literal run into a word threw FormatException.</summary>
    [Theory]
    [InlineData("}}{{lower\n0x10define \"t\"mulprint0}}}netemplate \"t\"template \"t\"nelencontinueendIterate")]
    [InlineData("or.X.Y}}{{define \"t\"0x10hasPrefix.X.Y}}containstoJson")]
    [InlineData("nil.X.Y}}{{0x10sub.Missingmulquote  urlquery1,$xjs  }}}1")]
    [InlineData(".M{{0x101define \"t\"*/{{/* c */}}\"%d\"$neblock \"b\" .")]
    public void Crashes_found_by_the_long_runs_stay_fixed(string goTemplate) => TemplateFuzz.Check(goTemplate);

    [Fact]
    public void A_hex_literal_run_into_a_word_is_a_malformed_number()
    {
        var translation = GoTemplateTranslator.Translate("{{ 0x10sub }}");
        Assert.False(translation.Succeeded);
        Assert.Contains(translation.Errors, e => e.Reason.Contains("malformed number '0x10sub'", StringComparison.Ordinal));
    }

    private static void AssertClean(FuzzReport report) => Assert.True(report.CrashCount == 0, report.ToString());
}

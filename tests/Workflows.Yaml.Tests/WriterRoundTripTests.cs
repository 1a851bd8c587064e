using CsCheck;
using Workflows.Yaml.Writing;

namespace Workflows.Yaml.Tests;

/// <summary>Write → load gives back the definition: for random valid definitions and for every error-free YAML file.</summary>
public class WriterRoundTripTests
{
    private static readonly string[] Files =
    [
        Path.Combine("samples", "legacy-yaml", "retry-job.yaml"),
        Path.Combine("samples", "legacy-yaml", "sensor-job.yaml"),
        Path.Combine("tests", "Workflows.Yaml.Tests", "Fixtures", "all-keys.yaml"),
    ];

    public static TheoryData<string> YamlFiles() => new(Files);

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Error_free_yaml_loads_writes_and_loads_equal(string file)
    {
        var first = YamlJobLoader.Load(Repo.Read(file), file);
        Assert.True(first.Succeeded, string.Join(Environment.NewLine, first.Problems));
        var written = YamlJobWriter.Write(first.Definition!);
        var second = YamlJobLoader.Load(written, "written.yaml");
        Assert.False(second.HasErrors, string.Join(Environment.NewLine, second.Problems) + Environment.NewLine + written);
        Assert.Equal(first.Definition, second.Definition);
    }

    /// <summary>Each fixture is round-tripped here, or (Fixtures/corpus) by <see cref="CorpusTests"/>, or is one of its named exclusions.</summary>
    [Fact]
    public void Every_fixture_is_covered() =>
        Assert.All(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "Workflows.Yaml.Tests", "Fixtures"), "*.yaml", SearchOption.AllDirectories),
            f => Assert.True(
                Files.Any(x => x.EndsWith(Path.GetFileName(f), StringComparison.Ordinal))
                || (Path.GetDirectoryName(f) == CorpusTests.Folder && CorpusTests.Files.Contains(Path.GetFileName(f))),
                $"{f} is round-tripped by no test: add it to {nameof(Files)}."));

    [Theory]
    [InlineData("echo nonce {{ Nonce }}", "echo nonce {{ .Nonce }}")]
    [InlineData("exit {{ Random 0 3 }}", "exit {{ Random 0 3 }}")]
    [InlineData("{{ if JobElapsedSecs < 3 }}a{{ else }}b{{ end }}", "{{ if lt .JobElapsedSecs 3 }}a{{ else }}b{{ end }}")]
    [InlineData("{{ if (Add A 1) < 3 }}y{{ end }}", "{{ if lt (Add .A 1) 3 }}y{{ end }}")]
    [InlineData("{{ default \"none\" Region }}", "{{ default \"none\" .Region }}")]
    [InlineData("plain", "plain")]
    public void Scriban_goes_back_to_go(string scriban, string go) => Assert.Equal(go, ScribanToGo.TryConvert(scriban));

    [Theory]
    [InlineData("{{ for $item in Items }}{{ $item.Name }}{{ end }}")]
    [InlineData("{{ if A || B }}y{{ end }}")]
    public void Scriban_without_a_verified_go_form_is_not_converted(string scriban) => Assert.Null(ScribanToGo.TryConvert(scriban));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5_000_000L, "500ms")]
    [InlineData(60_000_000L, "6s")]
    [InlineData(900_000_000L, "1m30s")]
    [InlineData(72_000_000_000L, "2h")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(1L, "100ns")]
    public void Durations_are_written_in_go_form(long ticks, string text)
    {
        Assert.Equal(text, GoDurations.Format(TimeSpan.FromTicks(ticks)));
        Assert.True(Durations.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromTicks(ticks), back);
    }

    [Fact]
    public void Random_durations_read_back_exactly() =>
        Gen.Long[-TimeSpan.TicksPerDay * 400, TimeSpan.TicksPerDay * 400].Sample(
            ticks => Durations.TryParse(GoDurations.Format(TimeSpan.FromTicks(ticks)), out var back) && back.Ticks == ticks,
            seed: "0N0XIzNsQ0O2", iter: 2000, threads: 1);
}

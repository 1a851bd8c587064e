using Workflows.TestSupport;

namespace Workflows.Fuzzing;

/// <summary>Real definitions to mutate: the legacy samples, the all-keys fixture and the YAML corpus of the repository.</summary>
public static class Corpus
{
    private static readonly Lazy<IReadOnlyList<string>> Files = new(() =>
    {
        var root = TestInfrastructure.RepoRoot;
        var fixtures = Path.Combine(root, "tests", "Workflows.Yaml.Tests", "Fixtures");
        return Directory.GetFiles(Path.Combine(root, "samples", "legacy-yaml"), "*.yaml")
            .Append(Path.Combine(fixtures, "all-keys.yaml"))
            .Concat(Directory.GetFiles(Path.Combine(fixtures, "corpus"), "*.yaml"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToList();
    });

    /// <summary>The texts, in a fixed order.</summary>
    public static IReadOnlyList<string> Definitions => Files.Value;
}

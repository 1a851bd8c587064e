using Workflows.Definitions;
using Workflows.Yaml.Translation;
using Xunit.Abstractions;

namespace Workflows.Cli.Tests.Translation;

/// <summary>
/// Random definitions setting every property of the model (tricky strings, odd durations, every executor and exit
/// action) translate into C# whose Define, replayed through the real builder, builds exactly the same definition.
/// </summary>
public class ExactnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_definitions_translate_into_CSharp_that_builds_them_exactly(int seed)
    {
        var random = new RandomDefinitions(seed);
        var jobs = Enumerable.Range(0, 40).Select(_ => random.Job()).Append(new JobDefinition { JobType = "empty" }).ToList();
        var sources = jobs.Select((job, i) => CSharpTranslator.Translate(job, $"random-{seed}-{i}.yaml", $"Case{i}")).ToList();

        var result = CSharpCompiler.Compile(sources, generator: false, analyzers: false);
        Assert.True(result.Assembly is not null && result.BuildWarnings.Count == 0, string.Join("\n", result.BuildWarnings));
        for (var i = 0; i < jobs.Count; i++)
        {
            var type = result.Assembly!.GetType($"Case{i}.{CSharpNames.ClassName(jobs[i].JobType)}")!;
            var (replayed, callProblems) = CSharpCompiler.Replay(type);
            if (!jobs[i].Equals(replayed) || callProblems.Count > 0)
            {
                output.WriteLine(sources[i]);
            }

            Assert.Empty(callProblems);
            Assert.True(jobs[i].Equals(replayed), $"Job {i} differs:\n{string.Join("\n", Differences(jobs[i], replayed, "job"))}");
        }
    }

    /// <summary>Where two values of the model differ, property by property, element by element.</summary>
    private static IEnumerable<string> Differences(object? expected, object? actual, string path)
    {
        if (Equals(expected, actual))
        {
            yield break;
        }

        if (expected is null || actual is null || expected.GetType() != actual.GetType() || expected is string || !expected.GetType().IsClass && expected is not System.Collections.IEnumerable)
        {
            yield return $"{path}: expected {Show(expected)}, got {Show(actual)}";
            yield break;
        }

        if (expected is System.Collections.IEnumerable list)
        {
            var left = list.Cast<object?>().ToList();
            var right = ((System.Collections.IEnumerable)actual).Cast<object?>().ToList();
            if (left.Count != right.Count)
            {
                yield return $"{path}: expected {left.Count} items, got {right.Count}: {Show(expected)} / {Show(actual)}";
                yield break;
            }

            for (var i = 0; i < left.Count; i++)
            {
                foreach (var difference in Differences(left[i], right[i], $"{path}[{i}]"))
                {
                    yield return difference;
                }
            }

            yield break;
        }

        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            foreach (var difference in Differences(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name))
            {
                yield return difference;
            }
        }
    }

    private static string Show(object? value) => value is null ? "null" : value is string text ? Yaml.Translation.CSharpLiterals.Escaped(text) : value.ToString() ?? "";
}

using CsCheck;
using Workflows.Definitions;
using Workflows.Templates;
using Workflows.Yaml;
using Workflows.Yaml.Writing;

namespace Workflows.Yaml.Tests;

/// <summary>Random valid definitions → YAML (YamlJobWriter) → model (YamlJobLoader) is the identity, with no errors.</summary>
public class DefinitionPropertyTests
{
    /// <summary>Text YAML tends to get wrong: colons, hashes, quotes, escapes, line breaks, reserved words, non-ASCII. Never a template.</summary>
    private static readonly string[] Awkward =
    [
        "plain", "with: colon", "# not a comment", "quote \" inside", "single ' quote", "back\\slash", "multi\nline", "tab\there",
        "ünïcødé ✓", "yes", "no", "null", "~", "true", "-dash", "  spaces  ", "1.5", "0x10", "@at", "[bracket]", "{brace}", "a\u2028b",
    ];

    private static readonly Gen<string> Text = Gen.Int[0, Awkward.Length - 1].Select(i => Awkward[i]);

    private static readonly Gen<TimeSpan> Duration = Gen.Int[1, 7200].Select(halfSeconds => TimeSpan.FromMilliseconds(halfSeconds * 500));

    private static readonly Gen<TimeSpan?> OptionalDuration = Gen.Bool.SelectMany(has => has ? Duration.Select(d => (TimeSpan?)d) : Gen.Const((TimeSpan?)null));

    private static readonly Gen<EquatableArray<NamedValue>> Environment =
        Gen.Select(Text, Text).Array[0, 3].Select(pairs => pairs.Select((p, i) => new NamedValue("VAR_" + i, p.Item1 + p.Item2)).ToEquatableArray());

    /// <summary>An action for an exit code of task <paramref name="index"/> of <paramref name="count"/>: words, codes, or a later task.</summary>
    private static Gen<ExitAction> Action(int index, int count) => Gen.Int[0, 6].SelectMany(kind => kind switch
    {
        0 => Gen.Const(ExitAction.Completed),
        1 => Gen.Const(ExitAction.Failed),
        2 => Gen.Const(ExitAction.Fatal),
        3 => Gen.Const(ExitAction.RestartTask),
        4 => Gen.Const(ExitAction.RestartJob),
        5 when index + 1 < count => Gen.Int[index + 1, count - 1].Select(t => ExitAction.GoTo("task" + t)),
        _ => Gen.Int[0, 999].Select(n => ExitAction.Error("ERR_CODE_" + n)),
    });

    /// <summary>One value from each generator, in order.</summary>
    private static Gen<List<T>> Sequence<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(new List<T>()), (all, next) => all.SelectMany(list => next.Select(item => new List<T>(list) { item })));

    private static Gen<TaskDefinition> Task(int index, int count) =>
        Gen.Select(Gen.Int[0, 2], Text, Gen.Int[0, 3], OptionalDuration, OptionalDuration, Gen.Bool, Environment)
            .SelectMany(t => Gen.Int[1, 250].HashSet[0, 3].SelectMany(codes =>
                Sequence(codes.Select(_ => Action(index, count))).Select(actions =>
                {
                    var (method, text, retry, timeout, delay, allowFailure, environment) = t;
                    var task = new TaskDefinition
                    {
                        TaskType = "task" + index,
                        Retry = retry,
                        Timeout = timeout,
                        DelayBetweenRetries = delay,
                        AllowFailure = allowFailure,
                        Environment = environment,
                        OnCompleted = index + 1 < count ? "task" + (index + 1) : null,
                    };
                    task = method switch
                    {
                        0 => task with { Method = TaskMethod.Shell, Script = EquatableArray.Create("echo " + text) },
                        1 => task with { Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("echo " + text, "exit 0") },
                        _ => task with { Method = TaskMethod.HttpGet, Script = EquatableArray.Create("https://example.com/" + index) },
                    };

                    // HTTP tasks exit with 0 or a status of 100-599 (non-2xx); process tasks with 0-255.
                    var ordered = codes.Order().Select(c => method == 2 ? (c < 100 ? c + 300 : c) : c).Distinct().ToList();
                    return task with
                    {
                        ExitCodes = ordered.Zip(actions, (code, action) => new ExitCodeRoute(code.ToString(System.Globalization.CultureInfo.InvariantCulture), action)).ToEquatableArray(),
                    };
                })));

    private static readonly Gen<JobDefinition> Job =
        Gen.Int[1, 5].SelectMany(count =>
            Gen.Select(Sequence(Enumerable.Range(0, count).Select(i => Task(i, count))), Gen.Int[0, 2], OptionalDuration, Text)
                .Select(j => new JobDefinition
                {
                    JobType = "random-job",
                    Description = j.Item4,
                    Retry = j.Item2,
                    DelayBetweenRetries = j.Item3,
                    Tasks = j.Item1.ToEquatableArray(),
                }))
        .Where(job => !WorkflowValidator.Validate(job).Concat(TemplateChecker.Check(job)).Any(p => p.IsError));

    [Fact]
    public void Random_valid_definitions_survive_writing_and_loading_unchanged()
    {
        var checkedJobs = 0;
        var withRoutes = 0;
        Job.Sample(
            job =>
            {
                checkedJobs++;
                withRoutes += job.Tasks.Any(t => !t.ExitCodes.IsEmpty) && job.Tasks.Any(t => !t.Environment.IsEmpty) ? 1 : 0;
                var yaml = YamlJobWriter.Write(job);
                var loaded = YamlJobLoader.Load(yaml, "random.yaml");
                Assert.False(loaded.HasErrors, string.Join("\n", loaded.Problems) + "\n" + yaml);
                Assert.Equal(job, loaded.Definition);
            },
            iter: 400,
            threads: 1);

        // The property is not vacuous: every sample ran, and most carry exit-code maps and awkward environment values.
        Assert.Equal(400, checkedJobs);
        Assert.True(withRoutes > 100, $"only {withRoutes} samples had both exit codes and environment values");
    }
}

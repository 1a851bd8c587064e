using CsCheck;
using Workflows.Yaml;

namespace Workflows.Fuzzing;

/// <summary>
/// The YAML loader (<see cref="YamlJobLoader.Load"/>): definitions built from the format's keys with hostile values,
/// and real definitions mutated (characters, lines, templates, indentation). Property: it returns; every problem has a
/// line and column; no definition means an error.
/// </summary>
public static class YamlFuzz
{
    private static readonly string[] JobKeys =
    [
        "job_type", "description", "max_concurrency", "cron", "timeout", "retry", "delay_between_retries", "hard_reset_after_retries",
        "job_variables", "required_params", "notify", "webhook", "triggers", "priority", "public_plugin", "sem_version", "tags",
        "pause_time", "skip_if", "resources", "job_resources", "tasks",
    ];

    private static readonly string[] TaskKeys =
    [
        "task_type", "method", "script", "container", "image", "environment", "variables", "on_completed", "on_failed", "on_exit_code",
        "always_run", "allow_failure", "timeout", "retry", "delay_between_retries", "dependencies", "artifacts", "headers", "query", "url",
        "fork_job_type", "await_forked_tasks", "tags", "before_script", "after_script", "except", "report_stdout", "privileged",
        "host_network", "network_mode", "resources", "services", "approval", "cache", "working_dir", "messaging_request_queue", "webhook",
        "sub_workflow", "input_params", "paths", "expires_after", "when", "name", "value", "image_definition", "pod_labels",
    ];

    private static readonly string[] Scalars =
    [
        "", "~", "null", "true", "false", "yes", "0", "-1", "1e400", "99999999999999999999999", "0x1F", ".inf", "-.nan", "1s", "5m", "-1h",
        "10x", "1h2m3s4ms", "9999999h", "SHELL", "DOCKER", "KUBERNETES", "HTTP_GET", "HTTP_POST_JSON", "FORK_JOB", "AWAIT_FORKED_JOB",
        "MANUAL", "EXPIRE_ARTIFACTS", "MESSAGING", "COMPLETED", "FAILED", "EXECUTING", "'quoted'", "\"dq \\u0000 \\x41\"", "|", ">-",
        "&anchor x", "*anchor", "*nowhere", "!!binary aGk=", "!!map", "!custom x", "[a, b", "{a: b", "[]", "{}", "- x", ": x", "? x",
        "{{ .X }}", "{{ if .A }}a{{ else }}b{{ end }}", "{{ range $i, $e := .L }}{{ $e }}{{ end }}", "{{", "}}", "{{ printf \"%999999999d\" 1 }}",
        "{{ .X | shell_quote }}", "{{ Random 1 }}", "{{ template \"t\" }}", "#comment", "x #comment", "\t", "é", "😀", "\u202e", "\uffff",
        "%", "@", "`", "alpine:latest", "http://169.254.169.254/", "https://example.com/{{ .X }}", "0 0 * * *", "*/5 * * * * *",
    ];

    private static readonly string[] MutationPieces =
    [
        "{{ if", "{{ end }}", "{{ else }}", "{{ .X }}", "{{ range .A }}", "{{", "}}", "{{- ", " -}}", "{{/* c */}}", ": ", "- ", "\n  ", "\n- ",
        "&a ", "*a", "<<: *a", "[", "]", "{", "}", "'", "\"", "\\", "\t", "\r", "\u0000", "\ufeff", "#", "|", ">", "!!str ", "---\n", "...\n",
    ];

    /// <summary>Inputs: about half built from the format's keys, half mutated real definitions.</summary>
    public static Gen<string> Inputs { get; } = Gen.Frequency((1, Structured()), (1, Mutated()));

    /// <summary>Loads the text; throws <see cref="FuzzPropertyException"/> when the property does not hold.</summary>
    /// <param name="text">A YAML text.</param>
    public static void Check(string text)
    {
        var result = YamlJobLoader.Load(text, "fuzz.yaml");
        foreach (var problem in result.Problems)
        {
            if (problem.Line < 1 || problem.Column < 1)
            {
                throw new FuzzPropertyException($"A problem without a location: {problem}");
            }
        }

        if (result.Definition is null && !result.HasErrors)
        {
            throw new FuzzPropertyException("No definition, yet no error.");
        }
    }

    private static Gen<string> Scalar() => Gen.Frequency(
        (6, Gen.OneOf(Scalars)),
        (2, Gen.String[Gen.Char["abcXYZ019_-.:{}[]$|\"' \\#&*!%@`\t"], 0, 12]),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.Int[1, 5000].Select(n => new string('x', n))));

    private static Gen<string> Value(int depth, int indent)
    {
        var scalar = Scalar().Select(s => " " + s);
        if (depth == 0)
        {
            return scalar;
        }

        var pad = new string(' ', indent + 2);
        var map = Gen.Select(Gen.OneOf(JobKeys.Concat(TaskKeys).ToArray()), Value(depth - 1, indent + 2)).Array[1, 4]
            .Select(entries => "\n" + string.Join('\n', entries.Select(e => pad + e.Item1 + ":" + e.Item2)));
        var list = Value(depth - 1, indent + 2).Array[1, 4]
            .Select(items => "\n" + string.Join('\n', items.Select(i => pad + "-" + i)));
        var flow = Scalar().Array[0, 4].Select(items => " [" + string.Join(", ", items) + "]");
        return Gen.Frequency((5, scalar), (2, map), (2, list), (1, flow));
    }

    private static Gen<string> Structured()
    {
        var task = Gen.Select(Gen.OneOf(TaskKeys), Value(2, 2)).Array[0, 6]
            .Select(Gen.OneOf("SHELL", "DOCKER", "HTTP_GET", "FORK_JOB", "MANUAL", "KUBERNETES", "x", ""), Gen.Int[0, 3])
            .Select(t => $"- task_type: t{t.Item3}\n  method: {t.Item2}\n" + string.Join('\n', t.Item1.Select(e => "  " + e.Item1 + ":" + e.Item2)));
        var top = Gen.Select(Gen.OneOf(JobKeys), Value(2, 0)).Array[0, 4];
        return Gen.Select(Scalar(), top, task.Array[0, 5]).Select(j =>
            $"job_type: {j.Item1}\n" + string.Join('\n', j.Item2.Select(e => e.Item1 + ":" + e.Item2)) + "\ntasks:\n" + string.Join('\n', j.Item3));
    }

    private static Gen<string> Mutated()
    {
        var edit = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.OneOf(MutationPieces), Gen.Char);
        return Gen.Select(Gen.Int[0, int.MaxValue], edit.Array[1, 8]).Select(m =>
        {
            var text = Corpus.Definitions[m.Item1 % Corpus.Definitions.Count];
            foreach (var (kind, position, piece, c) in m.Item2)
            {
                text = Apply(text, kind, position, piece, c);
            }

            return text;
        });
    }

    private static string Apply(string text, int kind, int position, string piece, char c)
    {
        if (text.Length == 0)
        {
            return piece;
        }

        var at = position % text.Length;
        var lines = text.Split('\n').ToList();
        var line = position % lines.Count;
        switch (kind)
        {
            case 0:
                return text.Insert(at, piece);
            case 1:
                return text.Remove(at, Math.Min(text.Length - at, 1 + (position % 7)));
            case 2:
                return text.Remove(at, 1).Insert(at, c.ToString());
            case 3:
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case 4:
                lines.RemoveAt(line);
                return string.Join('\n', lines);
            case 5:
                return text[..at];
            case 6:
                lines[line] = new string(' ', position % 9) + lines[line].TrimStart();
                return string.Join('\n', lines);
            case 7:
                // Repeat a line many times (size limits).
                lines.InsertRange(line, Enumerable.Repeat(lines[line], 1 + (position % 200)));
                return string.Join('\n', lines);
            default:
                return text.Insert(at, c.ToString());
        }
    }
}

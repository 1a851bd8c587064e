using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Yaml.Tests;

/// <summary>
/// formicary's own example and fixture definitions (Formicary/, copied from bhatti/formicary at b65f4a1) load as
/// formicary loads them: at least 97 of the 102 with no error, and each that still fails for the reason listed here
/// (and in docs/compatibility.md). Then one test per place where the loader was stricter than formicary.
/// </summary>
public class FormicaryExamplesTests
{
    /// <summary>The files that still have an error, the rule, and why (docs/compatibility.md lists the same).</summary>
    public static readonly IReadOnlyDictionary<string, (string Id, string Why)> StillFailing = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["docs/examples/websocket-ant.yaml"] = (EmptyJobId, "an ant (worker) configuration file, not a job: no job_type, no tasks; formicary refuses it as a job too ('failed to find job-type')"),
        ["docs/examples/websocket-queen.yaml"] = (EmptyJobId, "a queen (server) configuration file, not a job; formicary refuses it as a job too"),
        ["fixtures/formicary-ant.yaml"] = (EmptyJobId, "an ant configuration file, not a job; formicary refuses it as a job too"),
        ["fixtures/formicary-server.yaml"] = (EmptyJobId, "a server configuration file, not a job; formicary refuses it as a job too"),
        ["docs/examples/artifact-cache-job.yaml"] = (UnknownTaskId, "a real mistake: 'dependencies: [token-sniffer]' names no task (the task is 'sniffer'); formicary does not check dependencies and downloads nothing"),
    };

    public static string Folder => Path.Combine(Repo.Root, "tests", "Workflows.Yaml.Tests", "Formicary");

    public static IReadOnlyList<string> Files => Directory.GetFiles(Folder, "*.y*ml", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public void At_least_97_of_formicarys_102_definitions_load_with_no_error_and_each_other_fails_for_its_listed_reason()
    {
        Assert.Equal(102, Files.Count);
        var failing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            var errors = YamlJobLoader.Load(File.ReadAllText(Path.Combine(Folder, file)), file).Problems.Where(p => p.Problem.IsError).ToList();
            if (errors.Count > 0)
            {
                failing[file] = errors.Select(e => e.ToString()).ToList();
            }
        }

        var unexpected = failing.Where(f => !StillFailing.ContainsKey(f.Key)).SelectMany(f => f.Value).ToList();
        Assert.True(unexpected.Count == 0, "Unexpected errors:\n" + string.Join("\n", unexpected));
        foreach (var (file, (id, why)) in StillFailing)
        {
            Assert.True(failing.TryGetValue(file, out var errors), $"{file} now loads with no error: remove it from StillFailing ({why}).");
            Assert.Contains(errors, e => e.Contains($"error {id}:", StringComparison.Ordinal));
        }

        Assert.True(Files.Count - failing.Count >= 97, $"{Files.Count - failing.Count} of {Files.Count} load with no error");
    }

    private static YamlLoadResult Load(string yaml) => YamlJobLoader.Load(yaml, "job.yaml");

    private static void NoErrors(YamlLoadResult result) =>
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));

    [Fact]
    public void A_method_beside_a_container_loads_with_a_warning_naming_what_runs()
    {
        // docs/examples/always-run.yaml: every task is 'method: SHELL' with 'container: image: alpine'.
        var result = Load("""
            job_type: shell-build
            tasks:
            - task_type: init
              method: SHELL
              container:
                image: alpine
              script:
                - echo init
            """);
        NoErrors(result);
        var warning = Assert.Single(result.Problems, p => p.Id == MethodBesideContainerId);
        Assert.Equal((6, 5), (warning.Line, warning.Column));
        Assert.StartsWith("Task 'init' has method SHELL and a container image 'alpine': SHELL runs the task", warning.Problem.Message, StringComparison.Ordinal);
        var task = result.Definition!.FindTask("init")!;
        Assert.Equal(TaskMethod.Shell, task.EffectiveMethod);
        Assert.Equal("alpine", task.Container!.Image); // kept: nothing is lost
    }

    [Fact]
    public void An_empty_notify_when_is_always_as_formicary_sends_on_it()
    {
        var result = Load("""
            job_type: tok
            notify:
              email:
                recipients: [me@example.com]
                when: ""
            tasks:
            - task_type: a
              method: SHELL
              script: [date]
            """);
        Assert.Empty(result.Problems);
        Assert.Equal("always", Assert.Single(result.Definition!.Notify).When);
    }

    [Theory]
    [InlineData("none", "never", null)]
    [InlineData("NONE", "never", null)]
    [InlineData("onSucess", "never", "Did you mean 'onSuccess'?")]
    [InlineData("onFailure", "onFailure", null)]
    [InlineData("always", "always", null)]
    [InlineData("never", "never", null)]
    public void Notify_when_takes_any_word_as_formicary_does_and_a_word_it_never_notifies_on_is_never(string written, string loaded, string? hint)
    {
        // docs/examples/tok.yaml and artifact-cache-job.yaml write 'when: none'.
        var result = Load($"""
            job_type: tok
            notify:
              email:
                recipients:
                  - me@example.com
                when: {written}
            tasks:
            - task_type: a
              method: SHELL
              script: [date]
            """);
        NoErrors(result);
        Assert.Equal(loaded, Assert.Single(result.Definition!.Notify).When);
        var warnings = result.Problems.Where(p => p.Id == ReadAsFormicaryReadsItId).ToList();
        if (loaded == written)
        {
            Assert.Empty(warnings);
            return;
        }

        var warning = Assert.Single(warnings);
        Assert.Equal((6, 11), (warning.Line, warning.Column));
        Assert.Contains($"'notify.email.when' = '{written}', which is loaded as never, as formicary reads it", warning.Problem.Message, StringComparison.Ordinal);
        if (hint is not null)
        {
            Assert.Contains(hint, warning.Problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_notify_channel_written_as_a_template_is_dropped_as_formicary_drops_it()
    {
        // docs/examples/sample-job.yaml: 'except: {{if gt .JobID 5}} true {{end}}' beside a real channel.
        var result = Load("""
            job_type: sample-job
            notify:
              email:
                recipients: [support@formicary.io]
                when: always
              except: {{if gt .JobID 5}} true {{end}}
            tasks:
            - task_type: a
              method: SHELL
              script: [date]
            """);
        NoErrors(result);
        Assert.Equal(["email"], result.Definition!.Notify.Select(n => n.Channel));
        var warning = Assert.Single(result.Problems, p => p.Id == ReadAsFormicaryReadsItId);
        Assert.Contains("'notify.except' = '{{if gt .JobID 5}} true {{end}}', which is loaded as nothing", warning.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_item_yaml_reads_as_a_mapping_is_loaded_as_the_text_written()
    {
        // docs/examples/retry-backoff-job.yaml and fixtures/queue_trigger_job.yaml.
        var result = Load("""
            job_type: flaky
            tasks:
            - task_type: flaky-task
              method: SHELL
              before_script:
                - echo "a: b"
              script:
                - exit $(( RANDOM % 10 < 7 ? 1 : 0 ))   # fails ~70%
                - echo "order {{.order_id}} ({{.name}}): ${{.total}}"
                - key: 'quoted value'
                - date
            """);
        NoErrors(result);
        var task = result.Definition!.FindTask("flaky-task")!;
        Assert.Equal(["echo \"a: b\""], task.BeforeScript);
        Assert.Equal(
            ["exit $(( RANDOM % 10 < 7 ? 1 : 0 ))", "echo \"order {{ order_id }} ({{ name }}): ${{ total }}\"", "key: 'quoted value'", "date"],
            task.Script);
        var warnings = result.Problems.Where(p => p.Id == ReadAsFormicaryReadsItId).ToList();
        Assert.Equal([6, 8, 9, 10], warnings.Select(w => w.Line));
        Assert.Contains("which is loaded as the text written, 'exit $(( RANDOM % 10 < 7 ? 1 : 0 ))'", warnings[1].Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_item_of_a_nested_mapping_is_still_an_error()
    {
        var result = Load("""
            job_type: bad
            tasks:
            - task_type: a
              method: SHELL
              script:
                - run:
                    cmd: date
            """);
        Assert.Contains(result.Problems, p => p.Id == WrongValueTypeId && p.Problem.IsError);
    }

    [Fact]
    public void A_go_template_block_around_variables_is_loaded_without_its_condition_as_formicary_reads_it_at_upload()
    {
        // fixtures/docker_build.yaml, kube-build.yaml, kube_build.yaml and encoding-job.yaml.
        var result = Load("""
            job_type: int
            tasks:
            - task_type: int-tests
              method: SHELL
              script: [date]
              variables:
                t3k1: true
                {{ if .IsWindowsPlatform }}
                t3k3:
                  i: a
                {{ end }}
                t3k4: 4.881
            """);
        NoErrors(result);
        Assert.Equal(["t3k1", "t3k3", "t3k4"], result.Definition!.FindTask("int-tests")!.Variables.Select(v => v.Name));
        var warning = Assert.Single(result.Problems, p => p.Id == ReadAsFormicaryReadsItId);
        Assert.Equal(8, warning.Line);
        Assert.Contains("'t3k3:' is set whatever '{{ if .IsWindowsPlatform }}' gives at run time", warning.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_mistake_stays_an_error()
    {
        var result = Load("""
            job_type: deps
            tasks:
            - task_type: sniffer
              method: SHELL
              script: [date]
              on_completed: analyze
            - task_type: analyze
              method: SHELL
              script: [date]
              dependencies: [token-sniffer]
            """);
        Assert.Contains(result.Problems, p => p.Id == UnknownTaskId && p.Problem.IsError);
    }

    [Fact]
    public void Dynamic_template_tasks_are_rendered_at_load_as_formicary_renders_them_at_upload()
    {
        // docs/examples/iterate-job.yaml, with a job variable as formicary's render data.
        var result = Load("""
            job_type: iterate-{{ .Kind }}
            dynamic_template_tasks: true
            job_variables:
              Kind: job
            tasks:
            {{- range $val := Iterate 3 }}
            - task_type: task-{{$val}}
              script:
                - echo executing task for {{$val}}
              container:
                image: alpine
              {{ if lt $val 2 }}
              on_completed: task-{{ Add $val 1}}
              {{ end  }}
            {{ end  }}
            """);
        NoErrors(result);
        var tasks = result.Definition!.Tasks;
        Assert.Equal(["task-0", "task-1", "task-2"], tasks.Select(t => t.TaskType));
        Assert.Equal(["task-1", "task-2", null], tasks.Select(t => t.OnCompleted));
        Assert.Equal(["echo executing task for 2"], tasks[2].Script);
        Assert.Equal("iterate-job", result.Definition.JobType); // job_variables are the render's data
        var warning = Assert.Single(result.Problems, p => p.Id == ReadAsFormicaryReadsItId);
        Assert.Contains("which is loaded as the 3 task(s) its template generates, rendered once now with job_variables", warning.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Problems, p => p.Id == NotRunYetId);
    }

    [Fact]
    public void Without_dynamic_template_tasks_a_range_that_generates_tasks_is_still_an_error()
    {
        var result = Load("job_type: j\ntasks:\n{{ range $i, $r := Iterate 2 }}\n- task_type: t{{ $r }}\n  method: SHELL\n  script: [x]\n{{ end }}\n");
        Assert.Contains(result.Problems, p => p.Id == UntranslatableTemplateId && p.Problem.IsError);
    }

    [Fact]
    public void Dynamic_template_tasks_that_read_a_run_time_variable_are_kept_as_written_as_formicary_keeps_them()
    {
        // formicary's render prints "<no value>" for .JobID at upload, so it keeps the file as written; so does the loader,
        // and the range that generates tasks is then the usual WF4006.
        var result = Load("""
            job_type: iterate-job
            dynamic_template_tasks: true
            tasks:
            {{- range $val := Iterate 2 }}
            - task_type: task-{{$val}}
              method: SHELL
              script:
                - echo {{ .JobID }}
            {{ end }}
            """);
        Assert.Contains(result.Problems, p => p.Id == UntranslatableTemplateId && p.Problem.IsError);
        Assert.DoesNotContain(result.Problems, p => p.Id == ReadAsFormicaryReadsItId);
    }
}

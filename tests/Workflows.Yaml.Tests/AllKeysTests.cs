using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>Fixtures/all-keys.yaml writes every formicary key once; each lands in its property.</summary>
public class AllKeysTests
{
    private static readonly YamlLoadResult Loaded = YamlJobLoader.Load(Repo.Fixture("all-keys.yaml"), "all-keys.yaml");

    private static EquatableArray<NamedValue> Values(params (string Name, string Value)[] pairs) =>
        pairs.Select(p => new NamedValue(p.Name, p.Value)).ToEquatableArray();

    private static EquatableArray<string> List(params string[] items) => EquatableArray.Create(items);

    [Fact]
    public void The_fixture_writes_every_known_key()
    {
        var text = Repo.Fixture("all-keys.yaml");
        var keys = KnownKeys.Job.Concat(KnownKeys.Task).Concat(KnownKeys.Container).Concat(KnownKeys.Artifacts)
            .Concat(KnownKeys.Cache).Concat(KnownKeys.Service).Concat(KnownKeys.Webhook).Concat(KnownKeys.NotifyChannel)
            .Concat(KnownKeys.Resource).Concat(KnownKeys.ExtractConfig).Concat(KnownKeys.Trigger).Concat(KnownKeys.TriggerAuth)
            .Concat(KnownKeys.RateLimit).Concat(KnownKeys.Approval).Concat(KnownKeys.FanOut).Concat(KnownKeys.SubWorkflow)
            .Concat(KnownKeys.Backoff).Concat(KnownKeys.NameValue).Concat(KnownKeys.RetryRule).Concat(KnownKeys.Volume).Concat(VolumeSpec.KindKeys);
        foreach (var key in keys.Distinct())
        {
            Assert.Matches(new Regex($@"(?m)^\s*(- )?{Regex.Escape(key)}:"), text);
        }
    }

    [Fact]
    public void Every_key_is_known_and_read_without_errors()
    {
        Assert.DoesNotContain(Loaded.Problems, p => p.IsError);
        Assert.DoesNotContain(Loaded.Problems, p => p.Id == WorkflowDiagnostics.UnknownKeyId);
        Assert.True(Loaded.Succeeded);
    }

    /// <summary>Issue #24's found defect: HTTP_PUT_FORM runs (HttpExecutor, HttpExecutorTests), yet the loader warned WF4005 "not run yet".</summary>
    [Fact]
    public void Http_put_form_runs_so_the_loader_does_not_warn_that_it_is_not_run_yet()
    {
        var loaded = YamlJobLoader.Load(File.ReadAllText(Path.Combine(CorpusTests.Folder, "06-http-put-form-legacy.yaml")), "06-http-put-form-legacy.yaml");
        Assert.Equal(TaskMethod.HttpPutForm, loaded.Definition!.Tasks[0].Method);
        Assert.Empty(loaded.Problems);
    }

    [Fact]
    public void Keys_that_are_not_run_yet_are_warned_about_one_by_one()
    {
        var warned = Loaded.Problems.Where(p => p.Id == WorkflowDiagnostics.NotRunYetId)
            .Select(p => $"{p.Line}:{p.Column} {p.Problem.Location.TaskType ?? "job"} {Regex.Match(p.Problem.Message, "has '([^']+)'").Groups[1].Value}");
        Assert.Equal(
            [
                "42:1 job resources",
                "68:5 job triggers[1].type: s3", "75:5 job triggers[2].type: queue",
                "82:11 build method: KUBERNETES", "151:3 build resources", // cache runs now (CacheRunTests), fan_out too (FanOutTests)
                "200:3 build helper_environment", "208:3 build node_selector", "210:3 build pod_labels",
                "212:3 build pod_annotations", "214:3 build affinity", "221:3 build node_tolerations", "223:3 build helper",
                "271:11 notify method: MESSAGING",
                "272:3 notify messaging_request_queue", "273:3 notify messaging_reply_queue",
            ],
            warned);
        Assert.Equal(Loaded.Problems.Count, warned.Count());
    }

    [Fact]
    public void Job_keys_load_into_their_properties()
    {
        var expected = ExpectedJob() with { Tasks = Loaded.Definition!.Tasks };
        Assert.Equal(expected, Loaded.Definition);
    }

    [Fact]
    public void Task_keys_load_into_their_properties()
    {
        var expected = ExpectedTasks();
        Assert.Equal(expected.Count, Loaded.Definition!.Tasks.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], Loaded.Definition.Tasks[i]);
        }
    }

    [Fact]
    public void A_container_without_method_stays_without_method_and_runs_as_docker()
    {
        var task = YamlJobLoader.Load("job_type: j\ntasks:\n- task_type: t\n  container:\n    image: alpine\n  script: [date]\n").Definition!.Tasks[0];
        Assert.Null(task.Method);
        Assert.Equal(TaskMethod.Docker, task.EffectiveMethod);
    }

    [Fact]
    public void Variables_load_from_a_map_or_from_a_list_of_name_value_pairs()
    {
        var fromMap = YamlJobLoader.Load("job_type: j\njob_variables:\n  A: 1\n  B: x\ntasks: []\n").Definition!;
        var fromList = YamlJobLoader.Load("job_type: j\njob_variables:\n  - name: A\n    value: 1\n  - name: B\n    value: x\ntasks: []\n").Definition!;
        Assert.Equal(Values(("A", "1"), ("B", "x")), fromMap.JobVariables);
        Assert.Equal(fromMap.JobVariables, fromList.JobVariables);
    }

    [Fact]
    public void Exit_code_keys_are_kept_as_written()
    {
        var task = YamlJobLoader.Load("job_type: j\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  retry: 1\n  on_exit_code:\n    02: RESTART_TASK\n    \"404\": FAILED\n    approved: COMPLETED\n    ERR: ERR_X\n").Definition!.Tasks[0];
        Assert.Equal(["02", "404", "approved", "ERR"], task.ExitCodes.Select(r => r.Code));
        Assert.Equal([ExitAction.RestartTask, ExitAction.Failed, ExitAction.Completed, ExitAction.Error("ERR_X")], task.ExitCodes.Select(r => r.Action));
    }

    private static JobDefinition ExpectedJob() => new()
    {
        JobType = "io.example.all-keys",
        Description = "Every formicary key",
        SemVersion = "1.2.3",
        Platform = "linux",
        Url = "https://example.com/all-keys",
        CronTrigger = "0 * * * *",
        CronTimeZone = "UTC",
        Timeout = TimeSpan.FromHours(2),
        Retry = 3,
        DelayBetweenRetries = TimeSpan.FromSeconds(90),
        Backoff = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 1.5, true),
        HardResetAfterRetries = 2,
        MaxManualRetries = 5,
        PauseTime = TimeSpan.FromSeconds(45),
        MaxConcurrency = 4,
        RetentionDaysForFailed = 30,
        RetentionDaysForCompleted = 7,
        RetentionDaysForCancelled = 14,
        PublicPlugin = true,
        RequiredParams = List("Target", "Region"),
        DynamicTemplateTasks = false,
        JobVariables = Values(("Region", "us-east-1"), ("Count", "3"), ("Nested", "{\"a\":1,\"b\":[\"x\",\"y\"]}")),
        SkipIf = "{{ if Region == \"none\" }}true{{ end }}",
        Webhook = new WebhookSpec("https://example.com/hook", Values(("Authorization", "Bearer t")), Values(("job", "{{ JobID }}"))),
        Notify = EquatableArray.Create(new NotifySpec("email", List("ops@example.com"), "onFailure"), new NotifySpec("slack", List("#ops"))),
        Resources = new ResourceSpec("gpu", 1, "one GPU", "linux", "compute", List("a100"), List("id"), "GPU_"),
        Triggers = EquatableArray.Create(
            new TriggerSpec("on-push", "webhook", Path: "/hooks/push", AuthMethod: "hmac_sha256", AuthSecretConfig: "HookSecret",
                AuthHeader: "X-Hub-Signature-256", Params: Values(("Branch", "{{ Body.ref }}")),
                Filter: "{{ if Body.ref == \"main\" }}true{{ end }}", DedupKey: "{{ Body.after }}", RateLimitMax: 10, RateLimitWindow: TimeSpan.FromMinutes(1)),
            new TriggerSpec("on-upload", "s3", Mode: "poll", Bucket: "uploads", Prefix: "in/", Suffix: ".csv", PollInterval: TimeSpan.FromSeconds(30)),
            new TriggerSpec("on-order", "queue", Topic: "orders", Group: "workers", Shared: true)),
    };

    private static List<TaskDefinition> ExpectedTasks() =>
    [
        new TaskDefinition
        {
            TaskType = "build",
            Description = "Builds everything",
            Method = TaskMethod.Kubernetes,
            Container = new ContainerSpec("golang:1.22", "2", "500m", "2Gi", "1Gi", "10Gi", "1Gi", "builder", Values(
                ("imageDefinition", "{\"name\":\"golang\"}"),
                ("volumes", "{\"host_path\":[{\"name\":\"src\",\"mount_path\":\"/src\",\"host_path\":\"/tmp/src\"}]}"),
                ("volume_driver", "\"local\""),
                ("volumes_from", "[\"data\"]"),
                ("devices", "[\"/dev/fuse\"]"),
                ("bind_dir", "\"/tmp/bind\""),
                ("env_from", "[{\"secret_ref\":\"build-secrets\"}]"),
                ("env_value_from", "[{\"name\":\"TOKEN\"}]"))),
            BeforeScript = List("go mod download"),
            Script = List("go build ./...", "echo {{ Region }}"),
            AfterScript = List("rm -rf /tmp/cache"),
            Environment = Values(("GOFLAGS", "-mod=mod")),
            Variables = Values(("Mode", "release")),
            Headers = Values(("Accept", "application/json")),
            Query = Values(("verbose", "true")),
            Timeout = TimeSpan.FromMinutes(10),
            Retry = 1,
            DelayBetweenRetries = TimeSpan.FromSeconds(5),
            Backoff = new BackoffPolicy(TimeSpan.FromSeconds(2), null, 2, false),
            AllowStartIfCompleted = true,
            Artifacts = new ArtifactsSpec(List("bin/app"), TimeSpan.FromHours(24), ArtifactsWhen.OnSuccess),
            Cache = new CacheSpec(List("/go/pkg/mod"), "go-{{ Region }}", List("go.sum"), TimeSpan.FromHours(72)),
            Tags = List("linux", "amd64"),
            OnCompleted = "deploy",
            OnFailed = "cleanup",
            ExitCodes = EquatableArray.Create(new ExitCodeRoute("2", ExitAction.RestartTask), new ExitCodeRoute("APPROVED", ExitAction.GoTo("deploy"))),
            WorkingDirectory = "/src",
            Except = "{{ if Region == \"none\" }}true{{ end }}",
            ReportStdout = true,
            JobVersion = "1.0.0",
            Webhook = new WebhookSpec("https://example.com/task-hook"),
            Resources = new ResourceSpec("builder", 2),
            Services = EquatableArray.Create(new ServiceSpec("redis", "redis:7", "cache", 2, "/data", List("redis-server"), List("/entrypoint.sh"), List("6379"),
                CpuLimit: "1", CpuRequest: "500m", MemoryLimit: "1Gi", MemoryRequest: "512Mi", EphemeralStorageLimit: "2Gi", EphemeralStorageRequest: "1Gi",
                Volumes: EquatableArray.Create(
                    new VolumeSpec(VolumeKind.EmptyDir, "certs", "/certs", Medium: "Memory"),
                    new VolumeSpec(VolumeKind.HostPath, "shared", "/myshared", HostPath: "/shared", SubPath: "sub", ReadOnly: true),
                    new VolumeSpec(VolumeKind.ConfigMap, "settings", "/config", Options: Values(("items", "{\"app.properties\":\"app.properties\"}"))),
                    new VolumeSpec(VolumeKind.Pvc, "data", "/data"),
                    new VolumeSpec(VolumeKind.Secret, "creds", "/creds"),
                    new VolumeSpec(VolumeKind.Projected, "token", "/var/run/token", Options: Values(("sources", "[{\"service_account_token\":{\"path\":\"token\"}}]")))))),
            Privileged = true,
            NetworkMode = "bridge",
            HelperEnvironment = Values(("HELPER", "1")),
            ArtifactsDirectory = "/artifacts",
            CacheDirectory = "/cache",
            ArtifactKeyPrefix = "builds/",
            CostFactor = 1.5,
            Debug = true,
            NodeSelector = Values(("disktype", "ssd")),
            PodLabels = Values(("team", "ci")),
            PodAnnotations = Values(("owner", "ops")),
            ExecutorOptions = Values(
                ("affinity", "{\"required_during_scheduling_ignored_during_execution\":{\"node_selector_terms\":[{\"match_expressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}"),
                ("node_tolerations", "{\"empty\":\"NoSchedule\"}"),
                ("helper", "{\"image\":\"helper:1\"}"),
                ("dependent_artifact_ids", "[\"a1\",\"a2\"]")),
        },
        new TaskDefinition
        {
            TaskType = "deploy",
            Method = TaskMethod.ForkJob,
            ForkJobType = "io.example.deployer",
            ForkJobVersion = "2.0.0",
            SubWorkflow = new SubWorkflowSpec(Values(("Env", "prod")), Values(("DeployId", "Id")), true),
            Dependencies = List("build"),
            ArtifactIds = List("id-1", "id-2"),
            OnCompleted = "wait",
        },
        new TaskDefinition { TaskType = "wait", Method = TaskMethod.AwaitForkedJob, AwaitForkedTasks = List("deploy"), OnCompleted = "approve" },
        new TaskDefinition
        {
            TaskType = "approve",
            Method = TaskMethod.Manual,
            ApprovalPolicy = new ApprovalPolicy(2, List("admin"), List("alice"), true, TimeSpan.FromHours(4), "ESCALATE", List("boss@example.com"), "Please decide"),
            ExitCodes = EquatableArray.Create(new ExitCodeRoute("APPROVED", ExitAction.GoTo("fan")), new ExitCodeRoute("REJECTED", ExitAction.GoTo("cleanup"))),
        },
        new TaskDefinition
        {
            TaskType = "fan",
            Method = TaskMethod.Shell,
            Script = List("echo item"),
            FanOut = new FanOutSpec("Regions", "Region", 2, true, "io.example.region", "1.0.0"),
            OnCompleted = "notify",
        },
        new TaskDefinition
        {
            TaskType = "notify",
            Method = TaskMethod.Messaging,
            MessagingRequestQueue = "requests",
            MessagingReplyQueue = "replies",
            Url = "https://example.com/unused",
            OnCompleted = "resilient",
            OnExit = "cleanup",
            Retry = 1,
            Backoff = BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)),
        },
        new TaskDefinition { TaskType = "cleanup", Method = TaskMethod.Shell, AlwaysRun = true, Script = List("rm -rf out") },
        new TaskDefinition
        {
            TaskType = "resilient",
            Container = new ContainerSpec("alpine", MemoryLimit: "256Mi"),
            Script = List("./flaky.sh"),
            UnlimitedRetries = true,
            DelayBetweenRetries = TimeSpan.FromSeconds(3),
            RetryStrategy = "patient",
            RetryRules = EquatableArray.Create(
                new RetryRule { ExitCodes = EquatableArray.Create(75), Retry = 10, Backoff = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, true) },
                new RetryRule { ExitCodes = EquatableArray.Create(2), Action = RetryRuleAction.Fatal },
                new RetryRule { ExitCodes = EquatableArray.Create(137), Retry = 2, MemoryFactor = 2, CpuLimit = "2" },
                new RetryRule { Output = "connection (reset|refused)", Retry = 5, DelayBetweenRetries = TimeSpan.FromSeconds(2) },
                new RetryRule { Exceptions = List("System.TimeoutException"), ErrorCodes = List("ERR_TASK_EXECUTE"), UnlimitedRetries = true, MemoryLimit = "1Gi", Backoff = BackoffPolicy.ExponentialWait(TimeSpan.FromSeconds(2)) }),
        },
    ];
}

using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Docker;
using Workflows.Executors.Logs;
using Workflows.Marten.Artifacts;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests.Caches;

/// <summary>
/// <c>cache</c> run for real: DOCKER tasks in the local busybox image (scripts/infra.sh) through the task runner, the
/// caches kept by the artifact store on a fresh schema of the test PostgreSQL and a fresh blob folder.
/// </summary>
public sealed class CacheRunTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _schema = "wf_cache_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _blobs = Path.Combine(Path.GetTempPath(), "wf-cache-blobs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private DocumentStore _documents = null!;
    private FileArtifactStore _store = null!;


    [Fact]
    public async Task A_cache_saved_by_one_run_is_restored_in_the_next_run_of_the_same_job_type_and_never_in_another_job_types()
    {
        var cache = new CacheSpec(EquatableArray.Create("deps/lib"), Key: "deps-{{ Flavor }}");
        var writes = Task("build", cache, "test ! -e deps/lib/data.txt", "mkdir -p deps/lib && echo hello > deps/lib/data.txt");

        var first = await RunAsync("app", writes, variables: ("Flavor", "v1"));
        Assert.Equal(0, first.Result.ExitCode);
        Assert.Contains("no cache for key deps-v1", first.System);
        Assert.Contains(first.System, l => l.StartsWith("cache saved (key deps-v1, ", StringComparison.Ordinal));
        var saved = await _store.FindAsync("app", "deps-v1", default);
        Assert.NotNull(saved);

        // before_script and script still share one shell around the cache point; output that did not end its line is kept.
        var reads = Task("build", cache, "cat deps/lib/data.txt", "echo \"carried=$FROM_BEFORE\"") with { BeforeScript = EquatableArray.Create("export FROM_BEFORE=yes", "printf no-newline") };
        var second = await RunAsync("app", reads, variables: ("Flavor", "v1"));
        Assert.Equal(0, second.Result.ExitCode);
        Assert.Contains($"cache restored (key deps-v1, {saved.Size} bytes)", second.System);
        Assert.Contains("hello", second.Stdout);
        Assert.Contains("carried=yes", second.Stdout);
        Assert.Contains("no-newline", second.Stdout);
        Assert.DoesNotContain(second.Stdout, l => l.Contains("workflows-cache-point", StringComparison.Ordinal));

        var other = await RunAsync("other-app", writes, variables: ("Flavor", "v1"));
        Assert.Equal(0, other.Result.ExitCode); // the file was not there: 'test ! -e' passed
        Assert.Contains("no cache for key deps-v1", other.System);
        Assert.Equal(saved.Sha256, (await _store.FindAsync("app", "deps-v1", default))!.Sha256);
    }

    [Fact]
    public async Task With_key_paths_the_key_is_the_sha256_of_the_key_files_content_so_a_changed_file_misses_and_the_same_content_hits()
    {
        var cache = new CacheSpec(EquatableArray.Create("vendor"), KeyPaths: EquatableArray.Create("lock.txt"));
        var task = Task("build", cache, "ls vendor/ 2>/dev/null || true", "mkdir -p vendor && echo \"built from {{ Lock }}\" > vendor/built-{{ Lock }}.txt")
            with { BeforeScript = EquatableArray.Create("echo {{ Lock }} > lock.txt") };
        var keyA = Sha256("a\n");
        var keyB = Sha256("b\n");

        var first = await RunAsync("go-app", task, variables: ("Lock", "a"));
        Assert.Contains($"cache key {keyA} (the SHA-256 of lock.txt)", first.System);
        Assert.Contains($"no cache for key {keyA}", first.System);
        Assert.Contains(first.System, l => l.StartsWith($"cache saved (key {keyA}, ", StringComparison.Ordinal));

        var same = await RunAsync("go-app", task, variables: ("Lock", "a"));
        Assert.Contains(same.System, l => l.StartsWith($"cache restored (key {keyA}, ", StringComparison.Ordinal));
        Assert.Contains("built-a.txt", same.Stdout);

        var changed = await RunAsync("go-app", task, variables: ("Lock", "b"));
        Assert.Contains($"no cache for key {keyB}", changed.System);
        Assert.DoesNotContain("built-a.txt", changed.Stdout);
    }

    [Fact]
    public async Task The_same_content_saved_under_two_keys_is_one_archive_stored_once()
    {
        var first = await RunAsync("app", Task("build", new CacheSpec(EquatableArray.Create("deps"), Key: "one"), "mkdir -p deps/a && echo same > deps/a/f.txt && ln -s a/f.txt deps/link"));
        var second = await RunAsync("app", Task("build", new CacheSpec(EquatableArray.Create("deps"), Key: "two"), "sleep 1", "mkdir -p deps/a && echo same > deps/a/f.txt && ln -s a/f.txt deps/link"));
        Assert.Equal((0, 0), (first.Result.ExitCode, second.Result.ExitCode));

        var one = (await _store.FindAsync("app", "one", default))!;
        var two = (await _store.FindAsync("app", "two", default))!;
        Assert.Equal(one.Sha256, two.Sha256); // made a second apart, in another container: the same files make the same archive
        Assert.Single(Blobs());
        Assert.Equal(["one", "two"], (await _store.ListCachesAsync("app", default)).Select(c => c.Key));

        var restored = await RunAsync("app", Task("build", new CacheSpec(EquatableArray.Create("deps"), Key: "two"), "cat deps/link"));
        Assert.Contains("same", restored.Stdout); // the symbolic link came back as a link to the file
    }

    [Fact]
    public async Task A_kubernetes_task_run_as_a_local_container_keeps_its_cache_too()
    {
        var task = Task("build", new CacheSpec(EquatableArray.Create("deps"), Key: "k8s"), "cat deps/f.txt 2>/dev/null || (mkdir deps && echo from-k8s > deps/f.txt)") with { Method = TaskMethod.Kubernetes };

        var first = await RunAsync("k8s-app", task, kubernetesAsDocker: true);
        var second = await RunAsync("k8s-app", task, kubernetesAsDocker: true);

        Assert.Equal((0, 0), (first.Result.ExitCode, second.Result.ExitCode));
        Assert.Contains("KUBERNETES task run in a local Docker container (RunKubernetesAsDocker)", second.System);
        Assert.Contains(second.System, l => l.StartsWith("cache restored (key k8s, ", StringComparison.Ordinal));
        Assert.Contains("from-k8s", second.Stdout);
    }

    [Fact]
    public async Task A_failed_script_saves_no_cache()
    {
        var run = await RunAsync("app", Task("build", new CacheSpec(EquatableArray.Create("deps"), Key: "k"), "mkdir deps && echo half > deps/f.txt", "exit 3"));

        Assert.Equal(3, run.Result.ExitCode);
        Assert.Contains("cache not saved: the script failed (exit code 3); a cache is saved after a successful script only", run.System);
        Assert.Null(await _store.FindAsync("app", "k", default));
        Assert.Empty(Blobs());
    }

    [Fact]
    public async Task Cache_paths_without_key_or_key_paths_are_neither_restored_nor_saved_as_formicary_does()
    {
        var run = await RunAsync("app", Task("build", new CacheSpec(EquatableArray.Create("deps")), "mkdir deps && echo x > deps/f.txt"));

        Assert.Equal(0, run.Result.ExitCode);
        Assert.Contains("cache not used: it has paths but neither key nor key_paths; add 'key: <name>' or 'key_paths: [<lock file>]'", run.System);
        Assert.Empty(await _store.ListCachesAsync(null, default));
    }

    [Fact]
    public async Task An_expired_cache_is_not_restored_and_its_collection_removes_the_entry_and_its_archive()
    {
        var cache = new CacheSpec(EquatableArray.Create("deps"), Key: "k", ExpiresAfter: TimeSpan.FromHours(1));
        await RunAsync("app", Task("build", cache, "mkdir deps && echo x > deps/f.txt"));
        var saved = (await _store.FindAsync("app", "k", default))!;
        Assert.Equal(_clock.GetUtcNow().AddHours(1), saved.ExpiresAt);
        Assert.Single(Blobs());

        _clock.Advance(TimeSpan.FromHours(2));
        var after = await RunAsync("app", Task("build", cache with { Paths = EquatableArray.Create("nothing") }, "test ! -e deps/f.txt"));
        Assert.Equal(0, after.Result.ExitCode);
        Assert.Contains("no cache for key k", after.System);

        Assert.Equal((1, saved.Size), (await _store.CollectExpiredCachesAsync(default)) is var expired ? (expired.Count, expired.Bytes) : default);
        Assert.Empty(await _store.ListCachesAsync(null, default));
        Assert.Empty(Blobs());
        Assert.Throws<FileNotFoundException>(() => _store.OpenRead(saved));
    }

    [Fact]
    public async Task A_save_replaces_the_keys_archive_and_the_replaced_one_is_collected_unless_an_artifact_shares_it()
    {
        static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
        var old = await _store.SaveAsync("app", "k", "build", "job-1", Bytes("old archive"), TimeSpan.FromDays(30), default);
        var shared = await _store.SaveAsync("app", "k2", "build", "job-1", Bytes("shared"), TimeSpan.FromHours(1), default);
        await _store.SaveAsync("job-1", "build", 1, "kept.txt", Bytes("shared"), null, default); // an artifact with the same content, kept for good
        var current = await _store.SaveAsync("app", "k", "build", "job-2", Bytes("new archive"), TimeSpan.FromDays(30), default);

        Assert.Equal(current.Sha256, (await _store.FindAsync("app", "k", default))!.Sha256);
        Assert.Equal(3, Blobs().Count);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(2, (await _store.CollectExpiredCachesAsync(default)).Count); // the replaced pointer and k2

        Assert.Throws<FileNotFoundException>(() => _store.OpenRead(old));
        using (var reader = new StreamReader(_store.OpenRead(shared)))
        {
            Assert.Equal("shared", await reader.ReadToEndAsync()); // the artifact still uses it
        }

        Assert.Equal(["k"], (await _store.ListCachesAsync("app", default)).Select(c => c.Key));
        Assert.Equal(2, Blobs().Count);
    }

    [Fact]
    public async Task An_EXPIRE_ARTIFACTS_task_collects_expired_caches_too_and_counts_them_in_TotalExpired()
    {
        await _store.SaveAsync("app", "old", "build", "job-1", new MemoryStream(Encoding.UTF8.GetBytes("cache archive")), TimeSpan.FromHours(1), default);
        await _store.SaveAsync("app", "fresh", "build", "job-1", new MemoryStream(Encoding.UTF8.GetBytes("kept")), TimeSpan.FromDays(30), default);
        await _store.SaveAsync("job-1", "build", 1, "report.txt", new MemoryStream(Encoding.UTF8.GetBytes("report")), TimeSpan.FromHours(1), default);
        _clock.Advance(TimeSpan.FromHours(2));

        var task = new TaskDefinition { TaskType = "housekeeping", Method = TaskMethod.ExpireArtifacts };
        var request = new AttemptRequest("job-2", new JobDefinition { JobType = "housekeeping", Tasks = EquatableArray.Create(task) }, new Dictionary<string, string>(), task, 1, 0, null);
        var log = new LinesLog();
        var result = await new TaskRunner(new TaskExecutors([new Executors.Artifacts.ExpireArtifactsExecutor()]), TimeProvider.System, caches: _store)
            .RunAsync(request, log, _store, CancellationToken.None, CancellationToken.None);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["expired 1 artifacts (6 bytes)", "expired 1 caches (13 bytes)"], log.Of(LogSource.System));
        Assert.Equal(("2", "19"), (result.Outputs!["TotalExpired"], result.Outputs["TotalSize"]));
        Assert.Equal(["fresh"], (await _store.ListCachesAsync(null, default)).Select(c => c.Key));
    }

    private static TaskDefinition Task(string taskType, CacheSpec cache, params string[] script) => new()
    {
        TaskType = taskType,
        Method = TaskMethod.Docker,
        Container = new ContainerSpec(TestInfrastructure.TestImage),
        Script = EquatableArray.Create(script),
        Cache = cache,
    };

    private Task<Run> RunAsync(string jobType, TaskDefinition task, params (string Name, string Value)[] variables) => RunAsync(jobType, task, false, variables);

    private async Task<Run> RunAsync(string jobType, TaskDefinition task, bool kubernetesAsDocker, params (string Name, string Value)[] variables)
    {
        var job = new JobDefinition
        {
            JobType = jobType,
            Tasks = EquatableArray.Create(task),
            JobVariables = variables.Select(v => new NamedValue(v.Name, v.Value)).ToEquatableArray(),
        };
        var request = new AttemptRequest("job-" + Guid.NewGuid().ToString("N")[..12], job, new Dictionary<string, string>(), task, 1, 0, null);
        var log = new LinesLog();
        using var docker = new DockerExecutor(new DockerExecutorOptions { Endpoint = TestInfrastructure.DockerEndpoint, RunKubernetesAsDocker = kubernetesAsDocker });
        var runner = new TaskRunner(new TaskExecutors([docker]), TimeProvider.System, caches: _store);
        var result = await runner.RunAsync(request, log, _store, CancellationToken.None, CancellationToken.None);
        output.WriteLine($"--- {jobType}/{task.TaskType}: exit {result.ExitCode} {result.ErrorCode}\n{log.Text}");
        return new Run(result, log.Of(LogSource.System), log.Of(LogSource.Stdout));
    }

    private List<string> Blobs() => Directory.Exists(Path.Combine(_blobs, "sha256"))
        ? Directory.GetFiles(Path.Combine(_blobs, "sha256"), "*", SearchOption.AllDirectories).ToList()
        : [];

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public Task InitializeAsync()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _store = new FileArtifactStore(_documents, _blobs, _clock);
        return new JobStore(_documents, _clock).EnsureSchemaAsync();
    }

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
        if (Directory.Exists(_blobs))
        {
            Directory.Delete(_blobs, recursive: true);
        }
    }

    private sealed record Run(AttemptResult Result, List<string> System, List<string> Stdout);

    private sealed class LinesLog : ITaskLog
    {
        private readonly Lock _gate = new();
        private readonly List<(LogSource Source, string Line)> _lines = [];

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return string.Join('\n', _lines.Select(l => l.Line));
                }
            }
        }

        public void Write(LogSource source, string line)
        {
            lock (_gate)
            {
                _lines.Add((source, line));
            }
        }

        public List<string> Of(LogSource source)
        {
            lock (_gate)
            {
                return _lines.Where(l => l.Source == source).Select(l => l.Line).ToList();
            }
        }
    }
}

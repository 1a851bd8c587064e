using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Executors.Http;
using Workflows.Executors.Logs;
using Workflows.Executors.Tests.Support;
using Workflows.Samples;

namespace Workflows.Executors.Tests.Http;

public sealed class HttpExecutorTests : IAsyncLifetime
{
    private readonly MemoryTaskLog _log = new();
    private readonly MemoryArtifactStore _artifacts = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private PlaceholderServer _server = null!;

    private HttpExecutor Executor(HttpExecutorOptions? options = null) => new(_services.GetRequiredService<IHttpClientFactory>(), options ?? new HttpExecutorOptions());

    private TaskDefinition Get(string path) => new()
    {
        TaskType = "first",
        Method = TaskMethod.HttpGet,
        Script = new[] { _server.BaseAddress + path.TrimStart('/') }.ToEquatableArray(),
    };

    private Task<TaskOutcome> RunAsync(TaskDefinition task, HttpExecutorOptions? options = null, IReadOnlyDictionary<string, string>? variables = null) =>
        Executor(options).RunAsync(Executions.For(task, _log, _artifacts) with { Variables = variables ?? new Dictionary<string, string>() }, default);

    [Fact]
    public async Task A_2xx_response_exits_0_and_its_body_is_logged()
    {
        var outcome = await RunAsync(Get("/todos/1"));

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line.EndsWith("/todos/1 -> 200 OK", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Source == LogSource.Stdout && l.Line.Contains("\"title\":\"delectus aut autem\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(302)]
    public async Task Any_other_status_is_the_exit_code(int status) =>
        Assert.Equal(status, (await RunAsync(Get($"/status/{status}"))).ExitCode);

    [Fact]
    public async Task A_refused_connection_is_the_transport_error_with_its_own_exit_code()
    {
        var closed = Get("/todos/1") with { Script = new[] { "http://127.0.0.1:1/todos/1" }.ToEquatableArray() };

        var outcome = await RunAsync(closed);

        Assert.Equal((ExecutorErrors.HttpTransportExitCode, ExecutorErrors.HttpTransport), (outcome.ExitCode, outcome.ErrorCode));
        Assert.Contains("http://127.0.0.1:1/todos/1 got no response", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_without_a_usable_url_fails_naming_the_fix()
    {
        var outcome = await RunAsync(Get("/") with { Script = new[] { "not a url" }.ToEquatableArray() });
        Assert.Equal(ExecutorErrors.HttpBadUrl, outcome.ErrorCode);
        Assert.Contains("'not a url', which is not an absolute http(s) URL", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_query_and_headers_are_sent_and_the_body_can_be_kept_as_an_artifact()
    {
        var task = new TaskDefinition
        {
            TaskType = "fetch",
            Method = TaskMethod.HttpGet,
            Url = _server.BaseAddress + "todos/7",
            Query = new[] { new NamedValue("a", "1 2") }.ToEquatableArray(),
            Headers = new[] { new NamedValue("X-Trace", "abc") }.ToEquatableArray(),
            Artifacts = new ArtifactsSpec(new[] { "todo.json" }.ToEquatableArray()),
        };

        Assert.Equal(0, (await RunAsync(task)).ExitCode);
        Assert.Contains("GET /todos/7?a=1%202", _server.Requests);
        var artifact = Assert.Single(await _artifacts.ListAsync("job-1", "fetch", default));
        Assert.Equal("todo.json", artifact.Name);
        Assert.Contains("\"id\":7", _artifacts.ReadText(artifact), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_and_form_bodies_hold_the_variables()
    {
        var variables = new Dictionary<string, string> { ["name"] = "ant", ["n"] = "2" };
        var json = new TaskDefinition { TaskType = "post", Method = TaskMethod.HttpPostJson, Url = _server.BaseAddress + "todos" };
        Assert.Equal(0, (await RunAsync(json, variables: variables)).ExitCode);
        Assert.Contains((LogSource.Stdout, "{\"n\":\"2\",\"name\":\"ant\"}"), _log.Lines);

        var form = json with { Method = TaskMethod.HttpPutForm };
        Assert.Equal(0, (await RunAsync(form, variables: variables)).ExitCode);
        Assert.Contains((LogSource.Stdout, "n=2&name=ant"), _log.Lines);
    }

    [Fact]
    public async Task A_secret_config_stays_out_of_the_body_but_a_header_template_may_use_it()
    {
        var variables = new Dictionary<string, string> { ["name"] = "ant", ["API_TOKEN"] = "s3cr3t" };
        var json = new TaskDefinition { TaskType = "post", Method = TaskMethod.HttpPostJson, Url = _server.BaseAddress + "todos" };
        var execution = Executions.For(json, _log, _artifacts) with { Variables = variables, Secrets = new HashSet<string> { "API_TOKEN" } };

        Assert.Equal(0, (await Executor().RunAsync(execution, default)).ExitCode);

        Assert.Contains((LogSource.Stdout, "{\"name\":\"ant\"}"), _log.Lines);
        Assert.DoesNotContain(_log.Lines, l => l.Line.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_sends_a_public_url_to_the_local_stand_in()
    {
        var options = new HttpExecutorOptions();
        options.Redirects["https://jsonplaceholder.typicode.com"] = _server.BaseAddress.ToString();
        var seed = Get("/") with { Script = new[] { "https://jsonplaceholder.typicode.com/todos/1" }.ToEquatableArray() };

        Assert.Equal(0, (await RunAsync(seed, options)).ExitCode);
        Assert.Contains("GET /todos/1", _server.Requests);
    }

    public async Task InitializeAsync() => _server = await PlaceholderServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _services.DisposeAsync();
    }
}

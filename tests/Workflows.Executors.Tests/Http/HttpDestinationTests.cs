using System.Net;
using System.Net.Sockets;
using System.Text;
using Workflows.Definitions;
using Workflows.Executors.Http;
using Workflows.Executors.Tests.Support;
using Workflows.Samples;

namespace Workflows.Executors.Tests.Http;

/// <summary>
/// SSRF (docs/security.md, checklist): HTTP tasks reach only allowed hosts, and no loopback, link-local or metadata
/// address unless the host allows it; checked on the URL, after DNS resolution and on redirects. Real HTTP servers on
/// 127.0.0.1, through the same connect callback the host gives its HTTP tasks' client.
/// </summary>
public sealed class HttpDestinationTests : IAsyncLifetime
{
    private readonly MemoryTaskLog _log = new();
    private readonly MemoryArtifactStore _artifacts = new();
    private PlaceholderServer _server = null!;

    private async Task<TaskOutcome> RunAsync(string url, ExecutionPolicy policy, params string[] trusted)
    {
        var destinations = new HttpDestinations(policy, trusted);
        using var handler = new SocketsHttpHandler { ConnectCallback = destinations.ConnectAsync };
        var executor = new HttpExecutor(new OneClient(handler), new HttpExecutorOptions { Destinations = destinations });
        var task = new TaskDefinition { TaskType = "call", Method = TaskMethod.HttpGet, Url = url };
        return await executor.RunAsync(Executions.For(task, _log, _artifacts), default);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254, a loopback, link-local")]
    [InlineData("http://127.0.0.1:{port}/todos/1", "127.0.0.1, a loopback, link-local")]
    [InlineData("http://[::1]:{port}/todos/1", "::1, a loopback, link-local")]
    [InlineData("http://0.0.0.0:{port}/todos/1", "0.0.0.0, a loopback, link-local")]
    [InlineData("http://localhost:{port}/todos/1", "Host 'localhost' is ")]
    public async Task Loopback_link_local_and_metadata_addresses_are_refused_by_default_also_behind_a_name(string url, string expected)
    {
        var outcome = await RunAsync(url.Replace("{port}", _server.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), new ExecutionPolicy());

        Assert.Equal(ExecutorErrors.HttpNotAllowed, outcome.ErrorCode);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Workflows:Execution:HttpAllowLocalAddresses=true", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Local_addresses_are_reached_when_the_host_allows_them_or_the_operator_redirects_there()
    {
        var allowed = new ExecutionPolicy { HttpAllowLocalAddresses = true };
        Assert.Equal(0, (await RunAsync(_server.BaseAddress + "todos/1", allowed)).ExitCode);
        Assert.Equal(0, (await RunAsync(_server.BaseAddress + "todos/2", new ExecutionPolicy(), "127.0.0.1")).ExitCode);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task A_host_outside_the_allow_list_is_refused_before_any_request_and_a_listed_one_or_subdomain_is_called()
    {
        var policy = new ExecutionPolicy { HttpAllowLocalAddresses = true };
        policy.HttpAllowedHosts.Add("api.example.com");
        policy.HttpAllowedHosts.Add("*.internal.test");

        var outcome = await RunAsync(_server.BaseAddress + "todos/1", policy);
        Assert.Equal(ExecutorErrors.HttpNotAllowed, outcome.ErrorCode);
        Assert.Contains("Host '127.0.0.1' is not in this host's allow-list of HTTP destinations (api.example.com, *.internal.test)", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Workflows:Execution:HttpAllowedHosts", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);

        var destinations = new HttpDestinations(policy, []);
        Assert.Null(destinations.RefusalOf("API.example.com"));
        Assert.Null(destinations.RefusalOf("db.internal.test"));
        Assert.NotNull(destinations.RefusalOf("internal.test.evil.com"));
        Assert.NotNull(destinations.RefusalOf("evilapi.example.com"));

        policy.HttpAllowedHosts.Add("127.0.0.1");
        Assert.Equal(0, (await RunAsync(_server.BaseAddress + "todos/1", policy)).ExitCode);
    }

    [Fact]
    public async Task A_redirect_to_a_refused_host_or_address_is_refused_at_the_redirect()
    {
        await using var redirector = await Redirector.StartAsync($"http://localhost:{_server.BaseAddress.Port}/todos/1");

        // The URL's host is allowed by name; the redirect's 'localhost' is not on the list.
        var listed = new ExecutionPolicy { HttpAllowLocalAddresses = true };
        listed.HttpAllowedHosts.Add("127.0.0.1");
        var byName = await RunAsync(redirector.Url, listed);
        Assert.Equal(ExecutorErrors.HttpNotAllowed, byName.ErrorCode);
        Assert.Contains("Host 'localhost' is not in this host's allow-list", byName.Message, StringComparison.Ordinal);

        // The URL's host is a trusted redirect target; 'localhost' resolves to a loopback address, which is refused.
        var byAddress = await RunAsync(redirector.Url, new ExecutionPolicy(), "127.0.0.1");
        Assert.Equal(ExecutorErrors.HttpNotAllowed, byAddress.ErrorCode);
        Assert.Contains("Host 'localhost' is ", byAddress.Message, StringComparison.Ordinal);
        Assert.Contains("a loopback, link-local", byAddress.Message, StringComparison.Ordinal);

        Assert.Equal(2, redirector.Served);
        Assert.Empty(_server.Requests);
    }

    public async Task InitializeAsync() => _server = await PlaceholderServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class OneClient(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    /// <summary>Answers every request on 127.0.0.1 with a 302 to one location.</summary>
    private sealed class Redirector : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _served;

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/start";

        public int Served => Volatile.Read(ref _served);

        public static Task<Redirector> StartAsync(string location)
        {
            var redirector = new Redirector();
            redirector._listener.Start();
            redirector._loop = redirector.ServeAsync(location);
            return Task.FromResult(redirector);
        }

        private async Task ServeAsync(string location)
        {
            var answer = Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var seen = new StringBuilder();
                    while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    await stream.WriteAsync(answer, _stop.Token);
                    Interlocked.Increment(ref _served);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}

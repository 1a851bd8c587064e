using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api.Contracts;
using Workflows.Host.Serving;
using Workflows.Marten.Tokens;
using Workflows.Samples;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Support;

/// <summary>
/// The real served host (workers, API, OpenAPI, health) on 127.0.0.1 with a free port, on the test PostgreSQL in a
/// schema of its own, with an admin token and a developer token (read, submit, retry, define); HTTP tasks to jsonplaceholder go to a local stand-in.
/// Waits are bounded so a bug fails the test instead of hanging it; they are not timing assertions.
/// </summary>
internal sealed class ServedHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PlaceholderServer _placeholder;
    private bool _ownsSchema = true;

    private ServedHost(WebApplication app, PlaceholderServer placeholder, string schema, string data, Uri address)
    {
        (_app, _placeholder, Schema, DataDirectory, Address) = (app, placeholder, schema, data, address);
    }

    public string Schema { get; }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public string AdminToken { get; private set; } = string.Empty;

    public string UserToken { get; private set; } = string.Empty;

    public IServiceProvider Services => _app.Services;

    public static string[] ConfigurationArgs(string schema, string data) =>
    [
        "--ConnectionStrings:Workflows=" + TestInfrastructure.PostgresConnectionString,
        "--Workflows:Schema=" + schema,
        "--Workflows:DataDirectory=" + data,
        "--Workflows:PollInterval=00:00:00.050",
        "--Workflows:DockerEndpoint=" + TestInfrastructure.DockerEndpoint,
        "--Workflows:ImageFallbacks:alpine=" + TestInfrastructure.TestImage,
        "--Workflows:Execution:AllowShell=true",
    ];

    public static Task<ServedHost> StartAsync(string name, params string[] extraArgs) => StartAsync(name, null, extraArgs);

    /// <summary>Starts a host whose services are changed by <paramref name="services"/> after the host's own (e.g. a clock, image fallbacks).</summary>
    public static Task<ServedHost> StartAsync(string name, Action<IServiceCollection>? services, params string[] extraArgs) =>
        StartAsync($"wf_{name}_{Guid.NewGuid().ToString("N")[..12]}", services, ownsSchema: true, extraArgs);

    /// <summary>
    /// Starts a second host on <paramref name="first"/>'s schema (one database, two hosts), with its own data folder and
    /// the first host's tokens; disposing it leaves the schema to the first.
    /// </summary>
    public static async Task<ServedHost> JoinAsync(ServedHost first, params string[] extraArgs)
    {
        var host = await StartAsync(first.Schema, null, ownsSchema: false, extraArgs);
        host._ownsSchema = false;
        host.AdminToken = first.AdminToken;
        host.UserToken = first.UserToken;
        return host;
    }

    private static async Task<ServedHost> StartAsync(string schema, Action<IServiceCollection>? services, bool ownsSchema, string[] extraArgs)
    {
        var data = Path.Combine(Path.GetTempPath(), schema + (ownsSchema ? string.Empty : "_" + Guid.NewGuid().ToString("N")[..6]));
        var placeholder = await PlaceholderServer.StartAsync();
        var app = WorkflowsWebApp.Build([.. ConfigurationArgs(schema, data), "--Workflows:Api:MaxBodyBytes=65536", .. extraArgs], "http://127.0.0.1:0", builder =>
        {
            builder.Services.PostConfigure<WorkflowsOptions>(options => options.HttpRedirects["https://jsonplaceholder.typicode.com"] = placeholder.BaseAddress.ToString());
            services?.Invoke(builder.Services);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A start that fails leaves nothing behind either.
            await app.DisposeAsync();
            await placeholder.DisposeAsync();
            if (ownsSchema)
            {
                await TestInfrastructure.DropSchemaAsync(schema);
            }

            throw;
        }

        var host = new ServedHost(app, placeholder, schema, data, new Uri(WorkflowsWebApp.Addresses(app).Single()));
        if (!ownsSchema)
        {
            return host;
        }

        var tokens = app.Services.GetRequiredService<TokenStore>();
        host.AdminToken = (await tokens.CreateAsync("admin", admin: true)).Text;
        // A developer's token: the default scopes and define (uploads definitions); SecurityTests makes narrower ones.
        host.UserToken = (await tokens.CreateAsync("alice", [.. TokenScopes.Defaults, TokenScopes.Define])).Text;
        return host;
    }

    /// <summary>Creates a token with exactly these scopes (none: the defaults read, submit, retry) and returns its text.</summary>
    public async Task<string> TokenAsync(string name, params string[] scopes) =>
        (await Services.GetRequiredService<TokenStore>().CreateAsync(name, scopes)).Text;

    /// <summary>A client of the API; with <paramref name="token"/> null, without Authorization.</summary>
    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public static StringContent Yaml(string text, string contentType = "application/yaml") => new(text, Encoding.UTF8, contentType);

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options))!;

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Polls the job over HTTP until the condition holds (bounded: fails after a minute).</summary>
    public static async Task<JobDto> WaitAsync(HttpClient client, string id, Func<JobDto, bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JobDto? last = null;
        while (DateTime.UtcNow < until)
        {
            using var response = await client.GetAsync($"api/jobs/requests/{id}");
            response.EnsureSuccessStatusCode();
            last = await ReadAsync<JobDto>(response);
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {id} did not reach the condition within a minute; last seen {last?.Status}.");
    }

    public static Task<JobDto> WaitEndedAsync(HttpClient client, string id) =>
        WaitAsync(client, id, j => j.Status is Runtime.JobStatus.Completed or Runtime.JobStatus.Failed or Runtime.JobStatus.Cancelled);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _placeholder.DisposeAsync();
        if (_ownsSchema)
        {
            await TestInfrastructure.DropSchemaAsync(Schema);
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

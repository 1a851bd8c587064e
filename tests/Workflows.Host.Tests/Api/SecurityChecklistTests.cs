using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Samples;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// The attacker's checklist of docs/security.md ("Checklist"), each item against a real served host: failed sign-ins
/// rate-limited, read tokens write nothing, tokens stored hashed, secrets in no log, event, table, body, page or span.
/// </summary>
public sealed class SecurityChecklistTests
{
    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_429_with_Retry_After_on_the_API_and_the_dashboard_even_for_a_right_token()
    {
        await using var host = await ServedHost.StartAsync("throttle", "--Workflows:Api:SignInFailureLimit=3", "--Workflows:Api:SignInFailureWindow=00:10:00");
        using var admin = host.Client(host.AdminToken);
        using var wrong = host.Client("wf_0123456789abcdef_wrong");
        using var anonymous = host.Client(null);

        // A missing header is no guess: not counted.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/jobs/requests")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("api/jobs/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("api/jobs/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/jobs/requests")).StatusCode);

        // The third failure is the dashboard's sign-in form: one count per address for both.
        using var dashboard = new DashboardForm(host);
        using (var failed = await dashboard.SignInAsync("wf_0123456789abcdef_wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var refused = await wrong.GetAsync("api/jobs/requests"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var wait = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(wait, 1, 600);
            var error = await ServedHost.ReadAsync<ApiError>(refused);
            Assert.Equal("too_many_failed_sign_ins", error.Code);
            Assert.Contains("Too many failed sign-ins from this address (3 within 00:10:00)", error.Error, StringComparison.Ordinal);
        }

        // A right token is refused too while the address is blocked: a guess that would succeed tells the guesser nothing.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await admin.GetAsync("api/jobs/requests")).StatusCode);
        using (var signIn = await dashboard.SignInAsync(host.AdminToken))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
            Assert.NotEmpty(signIn.Headers.GetValues("Retry-After"));
            Assert.Contains("Too many failed sign-ins", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Failed_trigger_auths_count_with_failed_sign_ins_429_then_even_for_the_right_secret_and_a_token()
    {
        await using var host = await ServedHost.StartAsync("trigthrottle", "--Workflows:Api:SignInFailureLimit=3", "--Workflows:Api:SignInFailureWindow=00:10:00");
        using var admin = host.Client(host.AdminToken);
        using var anonymous = host.Client(null);
        using (var upload = await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(
            "job_type: guarded\ntriggers:\n  - type: webhook\n    name: deploy\n    auth:\n      method: bearer_token\n      secret_config: DeployToken\ntasks:\n  - task_type: act\n    method: SHELL\n    script:\n      - echo acting\n")))
        {
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        using (var secret = await admin.PutAsync("api/jobs/definitions/guarded/configs/DeployToken", ServedHost.Json("""{"value":"d3ploy","secret":true}""")))
        {
            Assert.True(secret.IsSuccessStatusCode, await secret.Content.ReadAsStringAsync());
        }

        async Task<HttpResponseMessage> FireAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/triggers/guarded/deploy") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            return await anonymous.SendAsync(request);
        }

        for (var i = 0; i < 4; i++)
        {
            // The trigger's own bearer secret is no failed API sign-in, however often it is sent.
            using var right = await FireAsync("d3ploy");
            Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var guess = await FireAsync("guess-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using (var blocked = await FireAsync("d3ploy"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
            Assert.NotEmpty(blocked.Headers.GetValues("Retry-After"));
            Assert.Equal("too_many_failed_sign_ins", (await ServedHost.ReadAsync<ApiError>(blocked)).Code);
        }

        // One count per address: the API refuses this address's right token too.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await admin.GetAsync("api/jobs/requests")).StatusCode);
    }

    [Fact]
    public async Task Dashboard_forms_are_bounded_like_API_bodies_413_before_reading()
    {
        await using var host = await ServedHost.StartAsync("formlimit");
        using var dashboard = new DashboardForm(host);
        var (name, value) = await dashboard.AntiforgeryAsync("signin");
        using var form = new FormUrlEncodedContent([new(name, value), new("token", host.AdminToken), new("return", new string('r', 70_000))]);
        using var refused = await dashboard.Client.PostAsync("signin", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("over this host's limit of 65536 bytes (Workflows:Api:MaxBodyBytes)", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.SignInAsync(host.AdminToken)).StatusCode);
    }

    [Fact]
    public async Task A_read_token_gets_403_from_every_write_endpoint_of_the_API()
    {
        await using var host = await ServedHost.StartAsync("readonly");
        using var reader = host.Client(await host.TokenAsync("checklist-reader", TokenScopes.Read));
        var writes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == WorkflowsApiExtensions.Policy))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => (method, e.RoutePattern.RawText!)))
            .Where(w => w.method is not ("GET" or "HEAD"))
            .Distinct()
            .ToList();

        var answers = new List<string>();
        foreach (var (method, pattern) in writes)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]*:int\\}", "1");
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{[^}]*\\}", "x").TrimStart('/');
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = ServedHost.Json("{}") };
            using var response = await reader.SendAsync(request);
            answers.Add($"{method} {pattern} {(int)response.StatusCode}");
        }

        // Definitions, configs, jobs (submit, update, cancel, pause, resume, delete, retry), tokens, votes, schedules.
        Assert.True(writes.Count >= 20, string.Join("\n", answers));
        Assert.All(answers, a => Assert.EndsWith(" 403", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_is_stored_as_the_SHA256_of_its_secret_never_the_secret()
    {
        await using var host = await ServedHost.StartAsync("hashed");
        using var admin = host.Client(host.AdminToken);
        using var created = await admin.PostAsync("api/tokens", ServedHost.Json("""{"name": "checklist-hashed", "scopes": ["read"]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = (await ServedHost.ReadJsonAsync(created)).GetProperty("token").GetString()!;
        var secret = text["wf_0123456789abcdef_".Length..];

        var rows = await RowsAsync(host.Schema, "mt_doc_apitoken");
        var row = Assert.Single(rows, r => r.Contains("checklist-hashed", StringComparison.Ordinal));
        Assert.DoesNotContain(secret, row, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_appear_in_no_log_event_table_answer_dashboard_page_notification_or_span()
    {
        var config = "cfg-" + Guid.NewGuid().ToString("N");
        var hostSecret = "hst-" + Guid.NewGuid().ToString("N");
        var logs = new MemoryLoggerProvider();
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = new StringBuilder(activity.DisplayName).Append(' ').Append(activity.StatusDescription);
                foreach (var (key, value) in activity.TagObjects)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }

                foreach (var e in activity.Events)
                {
                    text.Append(' ').Append(e.Name);
                    foreach (var (key, value) in e.Tags)
                    {
                        text.Append(' ').Append(key).Append('=').Append(value);
                    }
                }

                foreach (var (key, value) in activity.Baggage)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }

                lock (spans)
                {
                    spans.Add(text.ToString());
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var receiver = await PlaceholderServer.StartAsync();
        await using var host = await ServedHost.StartAsync(
            "secrets", services => services.AddSingleton<ILoggerProvider>(logs), "--Workflows:Secrets:HOST_KEY=" + hostSecret, "--Logging:LogLevel:Workflows=Trace");
        using var admin = host.Client(host.AdminToken);
        var definition = $$$"""
            job_type: checklist-secrets
            required_params: [API_TOKEN, HOST_KEY]
            webhook:
              url: {{{receiver.BaseAddress}}}todos
              headers:
                Authorization: "Bearer {{.API_TOKEN}}"
              query:
                key: "{{.HOST_KEY}}"
            tasks:
            - task_type: shell
              method: SHELL
              environment:
                TOKEN: "{{.API_TOKEN}}"
              script:
                - echo "config {{.API_TOKEN}} host {{.HOST_KEY}} env $TOKEN"
                - echo "$TOKEN" >&2
              on_completed: call
            - task_type: call
              method: HTTP_GET
              url: https://jsonplaceholder.typicode.com/todos/1
              headers:
                Authorization: "Bearer {{.API_TOKEN}}"
              query:
                key: "{{.HOST_KEY}}"
            """;
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(definition))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("api/jobs/definitions/checklist-secrets/configs/API_TOKEN", ServedHost.Json($$"""{"value": "{{config}}", "secret": true}"""))).StatusCode);
        using var submit = await admin.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "checklist-secrets"}"""));
        var id = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        var job = await ServedHost.WaitEndedAsync(admin, id);
        Assert.Equal(Runtime.JobStatus.Completed, job.Status);

        // The secrets did their work: the task and the webhook received them.
        // The webhook is sent from the outbox after the job ends: wait for its posts (submitted, started, completed).
        await WaitAsync(() => receiver.Requests.Count(r => r.StartsWith("POST /todos", StringComparison.Ordinal)) >= 3);
        Assert.Contains(receiver.Requests, r => r.Contains("key=" + hostSecret, StringComparison.Ordinal));

        var answers = new StringBuilder();
        foreach (var path in new[]
        {
            $"api/jobs/requests/{id}", $"api/jobs/requests/{id}/events", $"api/jobs/requests/{id}/logs", $"api/jobs/requests/{id}/notifications",
            $"api/jobs/requests/{id}/artifacts", $"api/jobs/requests/{id}/lineage", "api/jobs/requests", "api/jobs/definitions",
            "api/jobs/definitions/checklist-secrets", "api/jobs/definitions/checklist-secrets/configs", $"api/jobs/{id}",
        })
        {
            using var response = await admin.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            answers.Append(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("config *** host *** env ***", answers.ToString(), StringComparison.Ordinal);

        using var dashboard = new DashboardForm(host);
        Assert.Equal(HttpStatusCode.Redirect, (await dashboard.SignInAsync(host.AdminToken)).StatusCode);
        var page = await dashboard.Client.GetStringAsync($"jobs/{id}");
        Assert.Contains(id, page, StringComparison.Ordinal);

        var tables = new StringBuilder();
        foreach (var table in await TablesAsync(host.Schema))
        {
            // The config's own row holds it (not encrypted at rest: docs/security.md, not done yet).
            if (table != "mt_doc_jobconfig")
            {
                tables.AppendJoin('\n', (await RowsAsync(host.Schema, table)).Select(r => table + ": " + r)).Append('\n');
            }
        }

        Assert.Contains("wf_outbox", tables.ToString(), StringComparison.Ordinal);
        string spanText;
        lock (spans)
        {
            spanText = string.Join('\n', spans);
        }

        Assert.Contains("/todos", spanText, StringComparison.Ordinal);
        foreach (var (where, text) in new[] { ("logs", logs.Text), ("API answers", answers.ToString()), ("dashboard job page", page), ("tables", tables.ToString()), ("spans", spanText) })
        {
            foreach (var secret in new[] { config, hostSecret })
            {
                var at = text.IndexOf(secret, StringComparison.Ordinal);
                Assert.True(at < 0, $"A secret is in the {where}: …{text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 100)]}…");
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold within a minute");
            await Task.Delay(50);
        }
    }

    private static async Task<List<string>> TablesAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = @schema and table_type = 'BASE TABLE'", connection);
        command.Parameters.AddWithValue("schema", schema);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<List<string>> RowsAsync(string schema, string table)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select t::text from \"{schema}\".\"{table}\" t", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    /// <summary>Every log line of the host, formatted, with its structured values and exception.</summary>
    private sealed class MemoryLoggerProvider : ILoggerProvider
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private void Write(string line)
        {
            lock (_text)
            {
                _text.AppendLine(line);
            }
        }

        private sealed class Logger(MemoryLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                provider.Write($"{category} scope {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder($"{category} {logLevel} {formatter(state, exception)} {exception}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        line.Append(' ').Append(key).Append('=').Append(value);
                    }
                }

                provider.Write(line.ToString());
            }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Api;

/// <summary>Every endpoint needs a live bearer token; token management needs an admin token; each refusal is JSON saying why.</summary>
public sealed class AuthTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ServedHost Host => fixture.Host;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "api/jobs/requests" },
        { "POST", "api/jobs/requests" },
        { "POST", "jobs/requests" },
        { "GET", "api/jobs/requests/x/events" },
        { "POST", "api/jobs/definitions" },
        { "GET", "api/jobs/definitions" },
        { "GET", "api/tokens" },
        { "GET", "api/schedules" },
        { "POST", "api/schedules/x/trigger" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_a_token_every_endpoint_is_401_with_how_to_get_one(string method, string url)
    {
        using var client = Host.Client(null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? ServedHost.Json("{}") : null });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await ServedHost.ReadAsync<ApiError>(response);
        Assert.Equal("unauthorized", error.Code);
        Assert.Contains("workflows tokens create", error.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic YWxpY2U6c2VjcmV0", "not a bearer token")]
    [InlineData("Bearer wf_0123456789abcdef_nottherealsecret", "unknown, malformed or revoked")]
    [InlineData("Bearer garbage", "unknown, malformed or revoked")]
    public async Task A_wrong_token_is_401_saying_which_problem(string header, string message)
    {
        using var client = Host.Client(null);
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(header);
        using var response = await client.GetAsync("api/jobs/requests");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(message, (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_manages_tokens_a_revoked_token_is_refused_and_a_plain_token_may_not_manage()
    {
        using var admin = Host.Client(Host.AdminToken);
        using var create = await admin.PostAsync("api/tokens", ServedHost.Json("""{"name": "ci-bot"}"""));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var token = await ServedHost.ReadAsync<TokenDto>(create);
        Assert.StartsWith("wf_", token.Token, StringComparison.Ordinal);
        Assert.False(token.Admin);

        using (var duplicate = await admin.PostAsync("api/tokens", ServedHost.Json("""{"name": "ci-bot"}""")))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using var bot = Host.Client(token.Token);
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("api/jobs/requests")).StatusCode);
        using (var forbidden = await bot.GetAsync("api/tokens"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("needs the 'admin' scope", (await ServedHost.ReadAsync<ApiError>(forbidden)).Error, StringComparison.Ordinal);
        }

        var listed = await ServedHost.ReadAsync<List<TokenDto>>(await admin.GetAsync("api/tokens"));
        Assert.Contains(listed, t => t.Name == "ci-bot" && t.Token is null);
        Assert.DoesNotContain(await (await admin.GetAsync("api/tokens")).Content.ReadAsStringAsync(), token.Token!, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("api/tokens/ci-bot")).StatusCode);
        using var revoked = await bot.GetAsync("api/jobs/requests");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }
}

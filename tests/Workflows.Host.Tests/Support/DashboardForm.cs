using System.Net;
using System.Text.RegularExpressions;

namespace Workflows.Host.Tests.Support;

/// <summary>A browser-like client of a served host's dashboard: keeps cookies, posts forms with their anti-forgery field.</summary>
internal sealed partial class DashboardForm : IDisposable
{
    private readonly HttpClient _client;

    public DashboardForm(ServedHost host)
    {
        _client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Client => _client;

    /// <summary>Posts the sign-in form of <c>/signin</c> with <paramref name="token"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token)
    {
        var (name, value) = await AntiforgeryAsync("signin");
        return await _client.PostAsync("signin", new FormUrlEncodedContent([new(name, value), new("token", token), new("return", "")]));
    }

    /// <summary>The anti-forgery field of the form on <paramref name="page"/>.</summary>
    public async Task<(string Name, string Value)> AntiforgeryAsync(string page)
    {
        var html = await _client.GetStringAsync(page);
        var match = HiddenField().Match(html);
        Assert.True(match.Success, $"no anti-forgery field on /{page}");
        return (WebUtility.HtmlDecode(match.Groups[1].Value), WebUtility.HtmlDecode(match.Groups[2].Value));
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex HiddenField();
}

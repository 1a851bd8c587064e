using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Workflows.Api.Security;
using Workflows.Marten.Tokens;

namespace Workflows.Dashboard.Security;

/// <summary>
/// Sign-in with an API token: the token is kept in an HttpOnly, SameSite=Strict cookie, encrypted with ASP.NET Core
/// data protection, and verified against the token store on every request (a revoked token signs out at once). The
/// caller is the same <see cref="ApiCaller"/> the HTTP API makes from a bearer token, so every action is recorded
/// under the token's name.
/// </summary>
internal sealed class DashboardSession(IDataProtectionProvider protection, TokenStore tokens)
{
    public const string CookieName = "workflows_dashboard";

    private readonly IDataProtector _protector = protection.CreateProtector("Workflows.Dashboard.SignIn.v1");

    /// <summary>The signed-in caller, or null (no cookie, an unreadable one, or a token no longer live).</summary>
    public async Task<ApiCaller?> CallerAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(DashboardSession), out var cached))
        {
            return cached as ApiCaller;
        }

        ApiCaller? caller = null;
        if (context.Request.Cookies[CookieName] is { Length: > 0 } cookie)
        {
            string? text = null;
            try
            {
                text = _protector.Unprotect(cookie);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // A cookie from another key ring (or forged): treated as no sign-in.
            }

            if (text is not null && await tokens.VerifyAsync(text, context.RequestAborted).ConfigureAwait(false) is { } token)
            {
                caller = new ApiCaller(token.Name, token.Id, TokenScopes.Of(token));
            }
        }

        context.Items[typeof(DashboardSession)] = caller;
        return caller;
    }

    /// <summary>Verifies <paramref name="tokenText"/> and, when it is live, sets the cookie: the caller, or null.</summary>
    public async Task<ApiCaller?> SignInAsync(HttpContext context, string tokenText, string cookiePath, TimeSpan lifetime)
    {
        if (await tokens.VerifyAsync(tokenText.Trim(), context.RequestAborted).ConfigureAwait(false) is not { } token)
        {
            return null;
        }

        context.Response.Cookies.Append(CookieName, _protector.Protect(tokenText.Trim()), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = cookiePath,
            MaxAge = lifetime,
            IsEssential = true,
        });
        return new ApiCaller(token.Name, token.Id, TokenScopes.Of(token));
    }

    /// <summary>Removes the cookie.</summary>
    public static void SignOut(HttpContext context, string cookiePath) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = cookiePath, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
}

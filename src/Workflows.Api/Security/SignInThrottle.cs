using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;

namespace Workflows.Api.Security;

/// <summary>
/// Failed sign-ins per client address (a wrong, malformed or revoked API bearer token; a wrong token on the dashboard's
/// sign-in form): after <see cref="WorkflowsApiOptions.SignInFailureLimit"/> failures within
/// <see cref="WorkflowsApiOptions.SignInFailureWindow"/>, every sign-in from that address is refused with 429 and
/// <c>Retry-After</c> until the window ends, before its token is even looked at (so a guess that would succeed is
/// refused too). Kept in this process's memory: a failed guess costs no database write, and a restart forgets.
/// Each host counts on its own, so behind N hosts an address gets up to N times the limit.
/// </summary>
/// <param name="options">The limit and the window.</param>
/// <param name="clock">The clock.</param>
public sealed class SignInThrottle(IOptions<WorkflowsApiOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    /// <summary>How long the address must wait, or null when it may sign in.</summary>
    /// <param name="address">The client's address (null: the unknown address, counted as one).</param>
    public TimeSpan? Blocked(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        if (_windows.TryGetValue(Key(address), out var window) && window.Ends > now && window.Failures >= options.Value.SignInFailureLimit)
        {
            return window.Ends - now;
        }

        return null;
    }

    /// <summary>Counts one failed sign-in of the address.</summary>
    /// <param name="address">The client's address.</param>
    public void Failed(IPAddress? address)
    {
        var now = clock.GetUtcNow();
        var length = options.Value.SignInFailureWindow;
        _windows.AddOrUpdate(
            Key(address),
            _ => new Window(now + length, 1),
            (_, window) => window.Ends > now ? window with { Failures = window.Failures + 1 } : new Window(now + length, 1));
        if (_windows.Count > 10_000)
        {
            // Many addresses (a spread attack): forget the windows that ended, so memory stays bounded by live ones.
            foreach (var (key, window) in _windows)
            {
                if (window.Ends <= now)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>The <c>Retry-After</c> value (whole seconds, at least 1) for a wait.</summary>
    /// <param name="wait">The wait.</param>
    public static string RetryAfter(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The 429 answer's error: <see cref="Message"/> and the code <c>too_many_failed_sign_ins</c>.</summary>
    /// <param name="wait">How long the address stays refused.</param>
    public ApiError Refusal(TimeSpan wait) => new(Message(wait), "too_many_failed_sign_ins");

    /// <summary>The sentence of a refusal: what happened, how long to wait, what to check.</summary>
    /// <param name="wait">The wait.</param>
    public string Message(TimeSpan wait) =>
        $"Too many failed sign-ins from this address ({options.Value.SignInFailureLimit} within {options.Value.SignInFailureWindow}): wait {RetryAfter(wait)} s (Retry-After) and check the token (`workflows tokens list` shows the live ones).";

    private static IPAddress Key(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed record Window(DateTimeOffset Ends, int Failures);
}

using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Workflows.Executors.Http;

/// <summary>
/// Where HTTP tasks and notification webhooks may connect (SSRF): the host names of <see cref="ExecutionPolicy.HttpAllowedHosts"/>, and no
/// loopback, link-local (cloud metadata) or unspecified address unless <see cref="ExecutionPolicy.HttpAllowLocalAddresses"/>
/// or the host is a target of the operator's redirects. <see cref="ConnectAsync"/> is the HTTP client's connect
/// callback: it resolves the name itself and connects only to an address it checked, so neither DNS nor a redirect
/// (each new connection passes here) gets past the check.
/// </summary>
/// <param name="policy">The host's execution policy.</param>
/// <param name="trustedHosts">Hosts always allowed, local or not (the targets of <c>Workflows:HttpRedirects</c>).</param>
public sealed class HttpDestinations(ExecutionPolicy policy, IEnumerable<string> trustedHosts)
{
    private readonly HashSet<string> _trusted = new(trustedHosts, StringComparer.OrdinalIgnoreCase);

    /// <summary>Why a URL's host may not be called (a sentence naming the option to set), or null when its name is allowed.</summary>
    /// <param name="host">The host of the URL.</param>
    public string? RefusalOf(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = Bare(host);
        if (policy.HttpAllowedHosts.Count == 0 || _trusted.Contains(host) || policy.HttpAllowedHosts.Any(pattern => Matches(pattern.Trim(), host)))
        {
            return null;
        }

        return $"Host '{host}' is not in this host's allow-list of HTTP destinations ({string.Join(", ", policy.HttpAllowedHosts)}). Add it to Workflows:Execution:HttpAllowedHosts to let HTTP tasks and webhooks call it.";
    }

    /// <summary>Why HTTP tasks may not connect to <paramref name="address"/> of <paramref name="host"/>, or null.</summary>
    /// <param name="host">The host name being connected to.</param>
    /// <param name="address">One of its addresses.</param>
    public string? RefusalOf(string host, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (policy.HttpAllowLocalAddresses || _trusted.Contains(Bare(host)) || !IsLocal(address))
        {
            return null;
        }

        return $"Host '{Bare(host)}' is {address}, a loopback, link-local (cloud metadata) or unspecified address, which HTTP tasks and webhooks may not reach on this host. Set Workflows:Execution:HttpAllowLocalAddresses=true on a host whose definition authors you trust with its local services.";
    }

    /// <summary>Loopback, link-local (169.254.0.0/16, fe80::/10; cloud metadata services live there) or unspecified.</summary>
    /// <param name="address">The address.</param>
    public static bool IsLocal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork && (bytes[0] == 0 || (bytes[0] == 169 && bytes[1] == 254));
    }

    /// <summary>The connect callback of the HTTP tasks' client: resolves, checks every address, connects to an allowed one.</summary>
    /// <param name="context">The connection's host and port.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <exception cref="HttpDestinationRefusedException">The host or all its addresses are refused.</exception>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        if (RefusalOf(host) is { } named)
        {
            throw new HttpDestinationRefusedException(named);
        }

        var addresses = IPAddress.TryParse(Bare(host), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        string? refusal = null;
        Exception? failure = null;
        foreach (var address in addresses)
        {
            if (RefusalOf(host, address) is { } refused)
            {
                refusal ??= refused;
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = e;
            }
        }

        if (failure is not null)
        {
            throw failure;
        }

        throw refusal is null ? new SocketException((int)SocketError.HostNotFound) : new HttpDestinationRefusedException(refusal);
    }

    private static string Bare(string host) => host.Trim('[', ']').TrimEnd('.');

    private static bool Matches(string pattern, string host) =>
        pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(Bare(pattern), host, StringComparison.OrdinalIgnoreCase);
}

/// <summary>An HTTP task's connection refused by <see cref="HttpDestinations"/>; the task fails with <see cref="ExecutorErrors.HttpNotAllowed"/>.</summary>
public sealed class HttpDestinationRefusedException : Exception
{
    /// <summary>A refusal without a reason.</summary>
    public HttpDestinationRefusedException()
    {
    }

    /// <summary>A refusal.</summary>
    /// <param name="message">Why, naming the option to set.</param>
    public HttpDestinationRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>A refusal with its cause.</summary>
    /// <param name="message">Why, naming the option to set.</param>
    /// <param name="innerException">The cause.</param>
    public HttpDestinationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

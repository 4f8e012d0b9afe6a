using System.Net;
using System.Net.Sockets;

namespace Parley.Tools;

/// <summary>
/// HTTP plumbing for tools that fetch from the network (read_web_page, the web search backends). The
/// <see cref="AddressPolicy"/> is enforced on the connection itself: the handler's ConnectCallback resolves the
/// host and connects only to permitted addresses, so every URL spelling of a blocked address (decimal, hex,
/// short forms, <c>localhost</c>, bracketed IPv6) and DNS rebinding are caught. Redirects are never followed by
/// the handler, and no proxy is used (a proxy would make the connection on our behalf, unchecked). Requests stay on
/// HTTP/1.1 or HTTP/2 over TCP: HTTP/3 (QUIC) would bypass the ConnectCallback, so clients here never ask for it.
/// </summary>
public static class GuardedHttp
{
    /// <summary>A handler that connects only where <paramref name="policy"/> permits and never follows redirects.</summary>
    public static SocketsHttpHandler CreateHandler(AddressPolicy policy, TimeSpan? connectTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        };
    }

    /// <summary>An <see cref="HttpClient"/> over <see cref="CreateHandler"/>; it owns the handler.</summary>
    public static HttpClient CreateClient(AddressPolicy policy, TimeSpan timeout, string? userAgent = null)
    {
        var client = new HttpClient(CreateHandler(policy), disposeHandler: true)
        {
            Timeout = timeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (!string.IsNullOrWhiteSpace(userAgent))
            client.DefaultRequestHeaders.UserAgent.TryParseAdd(userAgent);
        return client;
    }

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) is the guard refusing an address.</summary>
    public static bool IsBlocked(Exception exception, out BlockedAddressException? blocked)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BlockedAddressException b)
            {
                blocked = b;
                return true;
            }
        }

        blocked = null;
        return false;
    }

    private static async ValueTask<Stream> ConnectAsync(AddressPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host.Trim('[', ']');
        var port = endPoint.Port;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

        var hostAllowed = policy.IsHostAllowed(host, port);
        var permitted = addresses.Where(a => hostAllowed || policy.IsAllowed(a, port)).ToList();
        if (permitted.Count == 0)
        {
            var reason = addresses.Select(AddressPolicy.GetBlockReason).FirstOrDefault(r => r is not null) ?? "non-routable";
            throw new BlockedAddressException(host, reason);
        }

        Exception? lastError = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastError = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException($"Could not connect to {host}:{port}.", lastError);
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;

namespace Parley.WebSecurity;

/// <summary>
/// The peer that opened the connection and whether the request says it came through a proxy, as seen before
/// forwarded headers from trusted proxies replace the client address.
/// </summary>
public sealed record ConnectionOrigin(IPAddress? Peer, bool Proxied)
{
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "X-Original-For"];

    public static ConnectionOrigin Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        return new ConnectionOrigin(context.Connection.RemoteIpAddress, ForwardingHeaders.Any(h => headers.ContainsKey(h)));
    }

    /// <summary>The origin recorded for the request; read from the request itself where the middleware did not run.</summary>
    public static ConnectionOrigin Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ConnectionOrigin>() ?? Read(context);
    }

    /// <summary>A loopback peer (a process on this machine, possibly a proxy).</summary>
    public bool PeerIsLoopback
    {
        get
        {
            if (Peer is not { } peer)
                return true;
            return IPAddress.IsLoopback(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer);
        }
    }
}

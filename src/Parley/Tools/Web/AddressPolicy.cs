using System.Net;
using System.Net.Sockets;

namespace Parley.Tools;

/// <summary>
/// Decides which addresses tools may connect to (the SSRF guard). Only public unicast addresses are allowed,
/// unless an allowlist entry (<see cref="ToolsOptions.AllowedNetworks"/>) names the address, its network, its
/// host name, or one exact host:port. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4)
/// are judged by the embedded address. <see cref="GuardedHttp"/> enforces the decision on each connection.
/// </summary>
public sealed class AddressPolicy
{
    private static readonly (IPNetwork Network, string Reason)[] BlockedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local (cloud metadata)"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "documentation"),
        (IPNetwork.Parse("192.88.99.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "benchmarking"),
        (IPNetwork.Parse("198.51.100.0/24"), "documentation"),
        (IPNetwork.Parse("203.0.113.0/24"), "documentation"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved or broadcast"),
    ];

    private static readonly (IPNetwork Network, string Reason)[] BlockedV6 =
    [
        (IPNetwork.Parse("64:ff9b:1::/48"), "local NAT64"),
        (IPNetwork.Parse("100::/64"), "discard"),
        (IPNetwork.Parse("2001::/32"), "Teredo"),
        (IPNetwork.Parse("2001:db8::/32"), "documentation"),
        (IPNetwork.Parse("fc00::/7"), "unique local (private)"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork CompatibleV4 = IPNetwork.Parse("::/96");

    private readonly List<(IPNetwork Network, int? Port)> _networks = [];
    private readonly List<(string Host, int? Port)> _hosts = [];

    /// <summary>A policy that allows public addresses only.</summary>
    public AddressPolicy()
    {
    }

    /// <param name="allowlist">Entries as described on <see cref="ToolsOptions.AllowedNetworks"/>.</param>
    /// <exception cref="ArgumentException">An entry is none of the accepted forms.</exception>
    public AddressPolicy(IEnumerable<string> allowlist)
    {
        foreach (var raw in allowlist)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
                continue;
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(entry, out var network))
                    throw new ArgumentException($"Allowlist entry \"{entry}\" is not a valid CIDR network.", nameof(allowlist));
                _networks.Add((Normalize(network), null));
            }
            else if (IPAddress.TryParse(entry, out var address) && !entry.Contains(']', StringComparison.Ordinal) && !LooksLikeV4WithPort(entry))
            {
                address = Unwrap(address);
                _networks.Add((new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), null));
            }
            else if (IPEndPoint.TryParse(entry, out var endPoint) && endPoint.Port != 0)
            {
                var ip = Unwrap(endPoint.Address);
                _networks.Add((new IPNetwork(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128), endPoint.Port));
            }
            else
            {
                var (host, port) = SplitHostPort(entry);
                if (Uri.CheckHostName(host) != UriHostNameType.Dns)
                    throw new ArgumentException($"Allowlist entry \"{entry}\" is not a host, host:port, address or CIDR.", nameof(allowlist));
                _hosts.Add((host.TrimEnd('.').ToLowerInvariant(), port));
            }
        }
    }

    /// <summary>Why an address is not public (e.g. <c>"loopback"</c>), or null when it is a public unicast address.</summary>
    public static string? GetBlockReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var ip = Unwrap(address);
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            if (ip.Equals(IPAddress.Broadcast))
                return "broadcast";
            foreach (var (network, reason) in BlockedV4)
            {
                if (network.Contains(ip))
                    return reason;
            }

            return null;
        }

        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
            return "not an IP address";
        if (ip.Equals(IPAddress.IPv6Any))
            return "unspecified";
        if (ip.Equals(IPAddress.IPv6Loopback))
            return "loopback";
        foreach (var (network, reason) in BlockedV6)
        {
            if (network.Contains(ip))
                return reason;
        }

        return GlobalUnicastV6.Contains(ip) ? null : "reserved IPv6";
    }

    /// <summary>Whether a connection to <paramref name="address"/>:<paramref name="port"/> is permitted.</summary>
    public bool IsAllowed(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (GetBlockReason(address) is null)
            return true;
        var ip = Unwrap(address);
        return _networks.Any(n => (n.Port is null || n.Port == port) && n.Network.BaseAddress.AddressFamily == ip.AddressFamily && n.Network.Contains(ip));
    }

    /// <summary>Whether the allowlist names this host (as written in the URL), so any address it resolves to is permitted.</summary>
    public bool IsHostAllowed(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.TrimEnd('.').ToLowerInvariant();
        return _hosts.Any(h => h.Host == name && (h.Port is null || h.Port == port));
    }

    /// <summary>
    /// The address an IPv6 form stands for when it embeds an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64
    /// 64:ff9b::/96, 6to4 2002::/16); otherwise the address itself.
    /// </summary>
    public static IPAddress Unwrap(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address;
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
            return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address))
            return new IPAddress(bytes.AsSpan(2, 4));
        // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 themselves are IPv6's unspecified and loopback.
        if (CompatibleV4.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
            return new IPAddress(bytes.AsSpan(12, 4));
        return address;
    }

    private static IPNetwork Normalize(IPNetwork network) =>
        network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;

    // "127.0.0.1:8080" parses as an IPAddress on some runtimes (the port ignored); treat it as an endpoint.
    private static bool LooksLikeV4WithPort(string entry) =>
        entry.Count(c => c == ':') == 1 && entry.Contains('.', StringComparison.Ordinal);

    private static (string Host, int? Port) SplitHostPort(string entry)
    {
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && int.TryParse(entry.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535)
            return (entry[..colon], port);
        return (entry, null);
    }
}

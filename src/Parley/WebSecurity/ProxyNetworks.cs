using System.Net;

namespace Parley.WebSecurity;

/// <summary>Parses <see cref="SecurityOptions.TrustedProxies"/>: single addresses and CIDR networks.</summary>
public static class ProxyNetworks
{
    public static bool TryParse(string? value, out IPNetwork network)
    {
        network = default;
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
            return false;
        if (text.Contains('/', StringComparison.Ordinal))
            return IPNetwork.TryParse(text, out network);
        if (!IPAddress.TryParse(text, out var address))
            return false;
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}

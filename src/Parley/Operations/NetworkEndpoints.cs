using System.Globalization;
using System.Net.Sockets;

namespace Parley.Operations;

/// <summary>Host and port out of the ways deployments name their backends, and a time-bounded TCP connect.</summary>
public static class NetworkEndpoints
{
    /// <summary><c>host:port</c>, <c>[v6]:port</c> or a bare host (then <paramref name="defaultPort"/>).</summary>
    public static (string Host, int Port)? ParseHostPort(string text, int defaultPort)
    {
        text = text.Trim();
        if (text.Length == 0)
            return null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return null;
            var host = text[1..close];
            var rest = text[(close + 1)..];
            return rest.StartsWith(':') && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? (host, p) : (host, defaultPort);
        }
        var colon = text.LastIndexOf(':');
        if (colon > 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            return int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? (text[..colon], port) : null;
        return (text, defaultPort);
    }

    /// <summary>DATABASE_URL as a <c>postgres://user:pass@host:port/db</c> URL or an Npgsql connection string (<c>Host=...;Port=...</c>).</summary>
    public static (string Host, int Port)? ParseDatabaseUrl(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "postgres" or "postgresql")
            return (uri.Host, uri.Port > 0 ? uri.Port : 5432);
        string? host = null;
        var port = 5432;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var key = part[..equals].Trim().ToUpperInvariant();
            var setting = part[(equals + 1)..].Trim();
            if (key is "HOST" or "SERVER")
                host = setting.Split(',')[0];
            else if (key == "PORT" && !int.TryParse(setting, NumberStyles.None, CultureInfo.InvariantCulture, out port))
                return null;
        }
        if (host is null)
            return null;
        return host.Contains(':', StringComparison.Ordinal) && ParseHostPort(host, port) is { } hostPort ? hostPort : (host, port);
    }

    /// <summary>Connects and disconnects; null when it worked, else why not.</summary>
    public static async Task<string?> TryConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, bounded.Token);
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"no connection within {timeout.TotalSeconds:0.#} s";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Parley.Operations;

/// <summary>
/// REDIS_URL (<c>redis://[user:password@]host:port/db</c>) checked with AUTH (when the URL has a password) and PING
/// over RESP, written here so <c>doctor</c> needs no Redis client and the answer is read within a time bound.
/// </summary>
public static class RedisPing
{
    public static (string Host, int Port, string? User, string? Password)? Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
            return null;
        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = parts.Length == 2 && parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
            password = Uri.UnescapeDataString(parts.Length == 2 ? parts[1] : parts[0]);
        }
        return (uri.Host.Trim('[', ']'), uri.Port > 0 ? uri.Port : 6379, user, password);
    }

    /// <summary>Null when Redis answered PONG, else what went wrong (never the password).</summary>
    public static async Task<string?> PingAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Parse(url) is not { } target)
            return "REDIS_URL is not a redis://host:port/db URL";
        if (url.StartsWith("rediss:", StringComparison.OrdinalIgnoreCase))
            return await NetworkEndpoints.TryConnectAsync(target.Host, target.Port, timeout, cancellationToken);

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(target.Host, target.Port, bounded.Token);
            var stream = client.GetStream();
            if (target.Password is not null)
            {
                string[] auth = target.User is null ? ["AUTH", target.Password] : ["AUTH", target.User, target.Password];
                var authReply = await CommandAsync(stream, auth, bounded.Token);
                if (!authReply.StartsWith('+'))
                    return "AUTH was refused";
            }
            var reply = await CommandAsync(stream, ["PING"], bounded.Token);
            return reply == "+PONG" ? null : $"PING answered '{reply}'";
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return ex is SocketException socket ? socket.SocketErrorCode.ToString() : "the connection was closed";
        }
    }

    private static async Task<string> CommandAsync(NetworkStream stream, string[] words, CancellationToken cancellationToken)
    {
        var command = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{words.Length}\r\n");
        foreach (var word in words)
            command.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(word)}\r\n{word}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()), cancellationToken);

        // A status or error reply is one line; 512 bytes is plenty for both.
        var buffer = new byte[512];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
                throw new IOException("closed");
            length += read;
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
                return text[..end];
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}

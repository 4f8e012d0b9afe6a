using System.Globalization;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// Reads seed 004's <c>redis://[:password@]host:port/db</c> (and <c>rediss://</c>) into StackExchange.Redis settings;
/// anything without a scheme is passed to StackExchange.Redis as its own configuration string.
/// </summary>
public static class RedisUrl
{
    public static ConfigurationOptions Parse(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!url.Contains("://", StringComparison.Ordinal))
            return ConfigurationOptions.Parse(url);
        if (Problem(url) is { } problem)
            throw new FormatException(problem);

        var uri = new Uri(url);
        var options = new ConfigurationOptions();
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            // redis://:secret@host and redis://user:secret@host both carry the password after the colon;
            // StackExchange.Redis 1.2.6 has no ACL user names, so a user name is not sent.
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var password = Uri.UnescapeDataString(colon >= 0 ? uri.UserInfo[(colon + 1)..] : uri.UserInfo);
            if (password.Length > 0)
                options.Password = password;
        }
        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0)
            options.DefaultDatabase = int.Parse(database, CultureInfo.InvariantCulture);
        if (uri.Scheme == "rediss")
        {
            options.Ssl = true;
            options.SslHost = uri.Host;
        }
        return options;
    }

    /// <summary>Why <paramref name="url"/> cannot be used, or null.</summary>
    public static string? Problem(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
            return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
            return "expected redis://[:password@]host:port/db or rediss://...";
        var database = uri.AbsolutePath.Trim('/');
        if (database.Length > 0 && !int.TryParse(database, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return $"the database after the host must be a number, not '{database}'";
        return null;
    }

    /// <summary><c>host:port</c> (a DnsEndPoint's own text has its address family in front).</summary>
    public static string Format(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint?.ToString() ?? "?",
    };

    /// <summary>Host, port and database for logs and health reports; never the password.</summary>
    public static string Describe(string url)
    {
        try
        {
            var options = Parse(url);
            var endpoint = options.EndPoints.Count > 0 ? Format(options.EndPoints[0]) : "?";
            return $"{(options.Ssl ? "rediss" : "redis")}://{endpoint}/{options.DefaultDatabase ?? 0}";
        }
        catch (FormatException)
        {
            return "(unreadable REDIS_URL)";
        }
        catch (ArgumentException)
        {
            return "(unreadable REDIS_URL)";
        }
    }
}

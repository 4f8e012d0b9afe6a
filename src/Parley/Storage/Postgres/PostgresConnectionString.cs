using System.Globalization;
using Npgsql;

namespace Parley.Storage.Postgres;

/// <summary>
/// Turns DATABASE_URL into an Npgsql connection string. Npgsql itself only reads its own key=value form, so the
/// <c>postgres://</c> URL form (what Heroku, Render, Fly and docker-compose files use) is parsed here.
/// </summary>
public static class PostgresConnectionString
{
    // libpq's URL query names that differ from Npgsql's keywords; anything else is passed to Npgsql as is.
    private static readonly Dictionary<string, string> QueryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["host"] = "Host",
        ["port"] = "Port",
    };

    /// <exception cref="FormatException">The value is neither a valid URL nor a valid connection string (the message never contains the value).</exception>
    public static NpgsqlConnectionStringBuilder Parse(string value) =>
        TryParse(value, out var builder, out var problem) ? builder : throw new FormatException(problem);

    public static bool TryParse(string value, out NpgsqlConnectionStringBuilder builder, out string problem)
    {
        builder = new NpgsqlConnectionStringBuilder();
        problem = "";
        var trimmed = value.Trim();
        try
        {
            if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                if (!FromUrl(trimmed, builder, out problem))
                    return false;
            }
            else if (trimmed.Contains("://", StringComparison.Ordinal))
            {
                problem = "a URL must start with postgres:// or postgresql://.";
                return false;
            }
            else
            {
                builder.ConnectionString = trimmed;
            }
        }
        catch (ArgumentException ex)
        {
            // Npgsql's messages name the keyword, not the value.
            problem = ex.Message;
            return false;
        }
        catch (FormatException)
        {
            problem = "a setting has a value of the wrong type.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            problem = "no host is given.";
            return false;
        }
        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            problem = "no database name is given.";
            return false;
        }
        return true;
    }

    /// <summary>Host, port and database only, for logs and health output.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database}";

    private static bool FromUrl(string url, NpgsqlConnectionStringBuilder builder, out string problem)
    {
        problem = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            problem = "the URL cannot be parsed (expected postgres://user:password@host:port/database; URL-encode special characters in the user and password).";
            return false;
        }
        builder.Host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        if (!uri.IsDefaultPort && uri.Port > 0)
            builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
            builder.Database = database;

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            builder[QueryNames.GetValueOrDefault(key, key)] = value;
        }
        return true;
    }
}

using Microsoft.Extensions.Options;

namespace Parley.Configuration;

/// <summary>Recognises startup failures caused by configuration and says them in one line.</summary>
public static class ConfigurationProblem
{
    public static string? Describe(Exception exception) => exception switch
    {
        ConfigurationException configuration => configuration.Message,
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            m + " Check that setting's value.",
        AggregateException { InnerExceptions: [var inner] } => Describe(inner),
        // Npgsql's messages name the host and user, never the password.
        Npgsql.PostgresException { SqlState: "28P01" or "28000" or "3D000" } pg =>
            $"PostgreSQL (DATABASE_URL) refused the connection: {pg.MessageText}. Check the user, password and database name.",
        Npgsql.NpgsqlException db when Storage.Postgres.PostgresFailures.IsUnavailable(db) =>
            $"PostgreSQL (DATABASE_URL) is not reachable: {db.Message}",
        _ => null,
    };
}

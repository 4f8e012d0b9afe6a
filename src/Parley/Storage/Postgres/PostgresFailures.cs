using Npgsql;

namespace Parley.Storage.Postgres;

/// <summary>Which Npgsql failures mean "the database is not reachable now" (a 503), as opposed to a bug in a query.</summary>
public static class PostgresFailures
{
    public static bool IsUnavailable(NpgsqlException exception) => exception switch
    {
        // 08: connection exceptions; 57P01-57P03: server shutting down or starting; 53300: too many connections.
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        // Npgsql's own exceptions without a server error are socket, timeout and pool failures.
        _ => true,
    };
}

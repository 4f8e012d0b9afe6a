namespace Parley.Storage.Postgres;

/// <summary>Where Parley keeps its data when not in the embedded SQLite file (<c>Parley:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Parley:Database";

    /// <summary>
    /// PostgreSQL to use instead of SQLite (seed name <c>DATABASE_URL</c>): a <c>postgres://user:password@host:port/database?sslmode=require</c>
    /// URL (user and password URL-encoded) or an Npgsql connection string (<c>Host=...;Database=...;Username=...</c>). Empty: SQLite under DataDirectory.
    /// </summary>
    public string? ConnectionString { get; set; }

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(ConnectionString);
}

using Microsoft.Extensions.Options;

namespace Parley.Storage.Postgres;

/// <summary>Rejects an unusable DATABASE_URL at startup, naming the problem but never echoing the value (it holds a password).</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        if (!options.UsesPostgres)
            return ValidateOptionsResult.Success;
        return PostgresConnectionString.TryParse(options.ConnectionString!, out _, out var problem)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DatabaseOptions.Section}:ConnectionString (DATABASE_URL) is not a usable PostgreSQL URL or connection string: {problem}");
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Bots;
using Parley.Configuration;
using Parley.Hosting;
using Parley.Storage.Postgres;
using Parley.Storage.Sqlite;
using Parley.Usage;

namespace Parley.Storage;

/// <summary>
/// Picks the database at first use: PostgreSQL when <c>Parley:Database:ConnectionString</c> (DATABASE_URL) is set, the
/// SQLite file otherwise; every SQL store shares it. Decided when resolved, not when registered, so configuration added after <c>AddParley</c> still counts.
/// </summary>
public static class StoreSelection
{
    public static IServiceCollection AddParleyDatabase(this IServiceCollection services)
    {
        services.AddValidatedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section);
        services.TryAddSingleton<SqlDatabase>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value is { UsesPostgres: true } database
            ? new PostgresDatabase(database.ConnectionString!)
            : SqliteDatabase.ForFile(ParleyHosting.DatabasePath(sp.GetRequiredService<IOptions<ParleyOptions>>().Value)));
        return services;
    }

    public static IConversationStore ConversationStore(IServiceProvider services) => new SqlConversationStore(Database(services));

    public static IUsageStore UsageStore(IServiceProvider services) => new SqlUsageStore(Database(services));

    public static IBotStore BotStore(IServiceProvider services) => new SqlBotStore(Database(services));

    public static Identity.IIdentityStore IdentityStore(IServiceProvider services) => new Identity.SqlIdentityStore(Database(services));

    public static Audit.IAuditStore AuditStore(IServiceProvider services) => new Audit.SqlAuditStore(Database(services));

    public static Sharing.IShareStore ShareStore(IServiceProvider services) => new Sharing.SqlShareStore(Database(services));

    public static Folders.IFolderStore FolderStore(IServiceProvider services) => new Folders.SqlFolderStore(Database(services));

    /// <summary>Stored responses: in memory with <c>PARLEY_STORAGE_PROVIDER=memory</c>, in the SQL database otherwise.</summary>
    public static Responses.IResponseStore ResponseStore(IServiceProvider services) =>
        string.Equals(services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider, StorageOptions.Memory, StringComparison.OrdinalIgnoreCase)
            ? new Responses.InMemoryResponseStore(services.GetRequiredService<TimeProvider>())
            : new Responses.SqlResponseStore(Database(services), services.GetRequiredService<TimeProvider>());

    private static SqlDatabase Database(IServiceProvider services) => services.GetRequiredService<SqlDatabase>();
}

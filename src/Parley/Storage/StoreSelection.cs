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
/// Picks the stores at first use: PostgreSQL when <c>Parley:Database:ConnectionString</c> (DATABASE_URL) is set, the SQLite
/// file otherwise. Decided when resolved, not when registered, so configuration added after <c>AddParley</c> still counts.
/// </summary>
public static class StoreSelection
{
    public static IServiceCollection AddParleyDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        services.TryAddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString!));
        return services;
    }

    public static IConversationStore ConversationStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresConversationStore(database) : SqliteConversationStore.ForFile(SqlitePath(services));

    public static IUsageStore UsageStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresUsageStore(database) : SqliteUsageStore.ForFile(SqlitePath(services));

    public static IBotStore BotStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresBotStore(database) : SqliteBotStore.ForFile(SqlitePath(services));

    public static Identity.IIdentityStore IdentityStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresIdentityStore(database) : Identity.SqliteIdentityStore.ForFile(SqlitePath(services));

    public static Audit.IAuditStore AuditStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresAuditStore(database) : Audit.SqliteAuditStore.ForFile(SqlitePath(services));

    public static Sharing.IShareStore ShareStore(IServiceProvider services) =>
        Postgres(services) is { } database ? new PostgresShareStore(database) : Sharing.SqliteShareStore.ForFile(SqlitePath(services));

    private static PostgresDatabase? Postgres(IServiceProvider services) =>
        services.GetRequiredService<IOptions<DatabaseOptions>>().Value.UsesPostgres ? services.GetRequiredService<PostgresDatabase>() : null;

    private static string SqlitePath(IServiceProvider services) =>
        ParleyHosting.DatabasePath(services.GetRequiredService<IOptions<ParleyOptions>>().Value);
}

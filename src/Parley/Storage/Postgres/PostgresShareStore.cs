using Parley.Sharing;
using static Parley.Storage.DbCommands;

namespace Parley.Storage.Postgres;

/// <summary>The <c>shares</c> table in PostgreSQL (schema migration 7); same behaviour as <see cref="SqliteShareStore"/>.</summary>
public sealed class PostgresShareStore(PostgresDatabase database) : IShareStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task AddAsync(ShareLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await ExecuteAsync($"INSERT INTO shares ({SqliteShareStore.Columns}) VALUES (@token, @owner, @conversation, @leaf, @title, @snapshot, @at)",
            cancellationToken, ("token", link.Token), ("owner", link.Owner), ("conversation", link.ConversationId), ("leaf", link.LeafId),
            ("title", link.Title), ("snapshot", link.Snapshot), ("at", Ms(link.CreatedAt)));
    }

    public async Task<ShareLink?> GetAsync(string token, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {SqliteShareStore.Columns} FROM shares WHERE token = @token", cancellationToken, ("token", token))).FirstOrNull();

    public Task<IReadOnlyList<ShareLink>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {SqliteShareStore.Columns} FROM shares WHERE lower(owner) = lower(@owner) ORDER BY created_at DESC, token COLLATE \"C\" DESC",
            cancellationToken, ("owner", owner));

    public async Task<bool> RevokeAsync(string owner, string token, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM shares WHERE token = @token AND lower(owner) = lower(@owner)", cancellationToken, ("token", token), ("owner", owner)) == 1;

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM shares WHERE lower(owner) = lower(@owner)", cancellationToken, ("owner", owner));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DbCommands.ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private async Task<IReadOnlyList<ShareLink>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DbCommands.QueryAsync(connection, sql, SqliteShareStore.Read, cancellationToken, parameters);
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Storage;
using Parley.Storage.Sqlite;
using static Parley.Storage.DbCommands;

namespace Parley.Sharing;

/// <summary>The <c>shares</c> table in the same SQLite file as conversations (schema migration 7).</summary>
public sealed class SqliteShareStore(string connectionString) : IShareStore
{
    internal const string Columns = "token, owner, conversation_id, leaf_id, title, snapshot, created_at";

    public static SqliteShareStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SqliteSchema.Migrate(connection);
    }

    public async Task AddAsync(ShareLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        await using var connection = await OpenAsync(cancellationToken);
        await DbCommands.ExecuteAsync(connection, null, $"INSERT INTO shares ({Columns}) VALUES ($token, $owner, $conversation, $leaf, $title, $snapshot, $at)",
            cancellationToken, ("$token", link.Token), ("$owner", link.Owner), ("$conversation", link.ConversationId), ("$leaf", link.LeafId),
            ("$title", link.Title), ("$snapshot", link.Snapshot), ("$at", Ms(link.CreatedAt)));
    }

    public async Task<ShareLink?> GetAsync(string token, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM shares WHERE token = $token", cancellationToken, ("$token", token))).FirstOrNull();

    public Task<IReadOnlyList<ShareLink>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM shares WHERE owner = $owner ORDER BY created_at DESC, token DESC", cancellationToken, ("$owner", owner));

    public async Task<bool> RevokeAsync(string owner, string token, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM shares WHERE token = $token AND owner = $owner", cancellationToken, ("$token", token), ("$owner", owner)) == 1;

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM shares WHERE owner = $owner", cancellationToken, ("$owner", owner));

    internal static ShareLink Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), r.GetString(5), Time(r, 6)!.Value);

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await DbCommands.ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private async Task<IReadOnlyList<ShareLink>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await DbCommands.QueryAsync(connection, sql, Read, cancellationToken, parameters);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

using System.Data.Common;
using Parley.Storage;
using static Parley.Storage.SqlValues;

namespace Parley.Sharing;

/// <summary>The <c>shares</c> table (migration 7 in both dialects), in the database the other stores share.</summary>
public sealed class SqlShareStore(SqlDatabase database) : IShareStore
{
    private const string Columns = "token, owner, conversation_id, leaf_id, title, snapshot, created_at";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task AddAsync(ShareLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return database.ExecuteAsync($"INSERT INTO shares ({Columns}) VALUES (@Token, @Owner, @ConversationId, @LeafId, @Title, @Snapshot, @at)",
            new { link.Token, link.Owner, link.ConversationId, link.LeafId, link.Title, link.Snapshot, at = Ms(link.CreatedAt) }, cancellationToken);
    }

    public async Task<ShareLink?> GetAsync(string token, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM shares WHERE token = @token", new { token }, Read, cancellationToken)).FirstOrNull();

    public Task<IReadOnlyList<ShareLink>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM shares WHERE lower(owner) = lower(@owner) ORDER BY created_at DESC, {database.Bytewise("token")} DESC",
            new { owner }, Read, cancellationToken);

    public async Task<bool> RevokeAsync(string owner, string token, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("DELETE FROM shares WHERE token = @token AND lower(owner) = lower(@owner)", new { token, owner }, cancellationToken) == 1;

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM shares WHERE lower(owner) = lower(@owner)", new { owner }, cancellationToken);

    private static ShareLink Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), r.GetString(4), r.GetString(5), Time(r, 6)!.Value);
}

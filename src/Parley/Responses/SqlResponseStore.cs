using System.Data.Common;
using Parley.Storage;
using static Parley.Storage.SqlValues;

namespace Parley.Responses;

/// <summary>
/// The <c>stored_responses</c> table (SQLite migration 11, PostgreSQL migration 10), in the database the other stores
/// share, so a stored response survives restarts and is visible to every instance. An id is owned by whoever stored it
/// first: saving the same id again replaces it only for that owner.
/// </summary>
public sealed class SqlResponseStore(SqlDatabase database, TimeProvider time) : IResponseStore
{
    private const string Columns = "id, owner, model, relayed_by, created_at, response, input_items, history";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> SaveAsync(StoredResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (StoredResponseJson.Of(response) is not { } json)
            return false;
        await database.MigrateAsync(cancellationToken);
        return await database.ExecuteAsync(
            $"""
            INSERT INTO stored_responses ({Columns}) VALUES (@Id, @Owner, @ModelId, @RelayedBy, @at, @response, @items, @history)
            ON CONFLICT (id) DO UPDATE SET model = excluded.model, relayed_by = excluded.relayed_by, created_at = excluded.created_at,
                response = excluded.response, input_items = excluded.input_items, history = excluded.history
            WHERE lower(stored_responses.owner) = lower(excluded.owner)
            """,
            new
            {
                response.Id, response.Owner, response.ModelId, response.RelayedBy, at = Ms(response.At),
                response = json.Response, items = json.InputItems, history = json.History,
            }, cancellationToken) == 1;
    }

    public async Task<StoredResponse?> FindAsync(string id, string owner, CancellationToken cancellationToken = default)
    {
        await database.MigrateAsync(cancellationToken);
        return (await database.QueryAsync(
            $"SELECT {Columns} FROM stored_responses WHERE id = @id AND lower(owner) = lower(@owner) AND created_at > @since",
            new { id, owner, since = Since() }, Read, cancellationToken)).FirstOrNull();
    }

    public async Task<bool> DeleteAsync(string id, string owner, CancellationToken cancellationToken = default)
    {
        await database.MigrateAsync(cancellationToken);
        var deleted = await database.ExecuteAsync(
            "DELETE FROM stored_responses WHERE id = @id AND lower(owner) = lower(@owner) AND created_at > @since",
            new { id, owner, since = Since() }, cancellationToken);
        await AfterDeletionAsync(deleted, cancellationToken);
        return deleted == 1;
    }

    public async Task<int> DeleteOfOwnerAsync(string owner, DateTimeOffset? before, CancellationToken cancellationToken = default)
    {
        await database.MigrateAsync(cancellationToken);
        var deleted = await database.ExecuteAsync(
            "DELETE FROM stored_responses WHERE lower(owner) = lower(@owner)" + (before is null ? "" : " AND created_at < @before"),
            new { owner, before = Ms(before) }, cancellationToken);
        await AfterDeletionAsync(deleted, cancellationToken);
        return deleted;
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await database.MigrateAsync(cancellationToken);
        var deleted = await database.ExecuteAsync("DELETE FROM stored_responses WHERE created_at < @before", new { before = Ms(before) }, cancellationToken);
        await AfterDeletionAsync(deleted, cancellationToken);
        return deleted;
    }

    private long Since() => (time.GetUtcNow() - StoredResponse.Lifetime).ToUnixTimeMilliseconds();

    /// <summary>Deleted content leaves the database's side files too (what "delete my data" promises).</summary>
    private async Task AfterDeletionAsync(int deleted, CancellationToken cancellationToken)
    {
        if (deleted > 0 && database.AfterDeletion is { } statement)
            await database.ExecuteAsync(statement, null, cancellationToken);
    }

    private static StoredResponse Read(DbDataReader r) =>
        new StoredResponseJson(r.GetString(5), r.GetString(6), r.GetString(7)).ToStored(r.GetString(0), r.GetString(1), r.GetString(2), Time(r, 4)!.Value, Text(r, 3));
}

using System.Data.Common;
using Dapper;
using Parley.Storage;

namespace Parley.Folders;

/// <summary>The <c>folders</c> table (SQLite migration 12, PostgreSQL 11) next to <c>conversations.folder_id</c>.</summary>
public sealed class SqlFolderStore(SqlDatabase database) : IFolderStore
{
    private const string Columns = "id, owner, name, created_at";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task<IReadOnlyList<Folder>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM folders WHERE owner = @owner ORDER BY lower(name), {database.Bytewise("id")}",
            new { owner }, Read, cancellationToken);

    public async Task<Folder?> GetAsync(string owner, string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM folders WHERE id = @id AND owner = @owner", new { id, owner }, Read, cancellationToken))
        .FirstOrNull();

    public Task AddAsync(Folder folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return database.ExecuteAsync($"INSERT INTO folders ({Columns}) VALUES (@Id, @Owner, @Name, @at)",
            new { folder.Id, folder.Owner, folder.Name, at = SqlValues.Ms(folder.CreatedAt) }, cancellationToken);
    }

    public async Task<bool> RenameAsync(string owner, string id, string name, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE folders SET name = @name WHERE id = @id AND owner = @owner", new { name, id, owner }, cancellationToken) == 1;

    /// <summary>One transaction: the conversations leave the folder and the folder goes, or neither happens.</summary>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { id, owner };
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE conversations SET folder_id = NULL WHERE folder_id = @id AND owner = @owner", parameters, transaction, cancellationToken: cancellationToken));
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM folders WHERE id = @id AND owner = @owner", parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM folders WHERE owner = @owner", new { owner }, cancellationToken);

    private static Folder Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), SqlValues.Time(r, 3)!.Value);
}

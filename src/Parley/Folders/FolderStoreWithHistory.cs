using Parley.Storage;

namespace Parley.Folders;

/// <summary>
/// The folders in the SQL database while the conversations live in another store (Redis history, memory), which the
/// SQL folder store cannot reach: deleting a folder also takes that store's conversations out of it.
/// </summary>
public sealed class FolderStoreWithHistory(IFolderStore folders, IConversationStore conversations) : IFolderStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => folders.InitializeAsync(cancellationToken);

    public Task<IReadOnlyList<Folder>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        folders.ListAsync(owner, cancellationToken);

    public Task<Folder?> GetAsync(string owner, string id, CancellationToken cancellationToken = default) =>
        folders.GetAsync(owner, id, cancellationToken);

    public Task AddAsync(Folder folder, CancellationToken cancellationToken = default) => folders.AddAsync(folder, cancellationToken);

    public Task<bool> RenameAsync(string owner, string id, string name, CancellationToken cancellationToken = default) =>
        folders.RenameAsync(owner, id, name, cancellationToken);

    /// <summary>
    /// The two stores share no transaction. Conversations are moved out first, so a store that cannot be reached fails
    /// the deletion before anything changed; then the folder goes; then once more for a move that passed its check of
    /// the folder before the deletion and landed in between (the conversation list shows an unknown folder as none).
    /// </summary>
    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        if (await folders.GetAsync(owner, id, cancellationToken) is null)
            return false;
        await conversations.MoveOutOfFolderAsync(owner, id, cancellationToken);
        var deleted = await folders.DeleteAsync(owner, id, cancellationToken);
        await conversations.MoveOutOfFolderAsync(owner, id, CancellationToken.None);
        return deleted;
    }

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        folders.DeleteOfOwnerAsync(owner, cancellationToken);
}

using Parley.Conversations;
using Parley.Folders;
using Parley.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Folders;

/// <summary>The behaviour every <see cref="IFolderStore"/> must have, with the conversation store of the same database.</summary>
public abstract class FolderStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    protected IFolderStore Folders { get; private set; } = null!;

    protected IConversationStore Conversations { get; private set; } = null!;

    protected abstract Task<(IFolderStore Folders, IConversationStore Conversations)> CreateStoresAsync();

    public async Task InitializeAsync()
    {
        (Folders, Conversations) = await CreateStoresAsync();
        await Conversations.InitializeAsync();
        await Folders.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Whether the conversation store sees the folders (SQL: same database) and refuses a folder that is not the owner's.</summary>
    protected virtual bool ConversationsSeeFolders => true;

    private async Task<Folder> AddAsync(string owner, string name)
    {
        var folder = new Folder(Folder.NewId(), owner, name, T0);
        await Folders.AddAsync(folder);
        return folder;
    }

    private async Task<Conversation> ConversationAsync(string owner)
    {
        var conversation = new Conversation { Id = Conversation.NewId(), Owner = owner, Title = "Chat", CreatedAt = T0, UpdatedAt = T0 };
        await Conversations.CreateConversationAsync(conversation);
        return conversation;
    }

    [Fact]
    public async Task Owners_see_only_their_folders_by_name_and_only_they_rename_them()
    {
        var work = await AddAsync("alice", "work");
        var books = await AddAsync("alice", "Books");
        var bobs = await AddAsync("bob", "Bob's");

        Assert.Equal(["Books", "work"], (await Folders.ListAsync("alice")).Select(f => f.Name));
        Assert.Equal(work, await Folders.GetAsync("alice", work.Id));
        Assert.Null(await Folders.GetAsync("bob", work.Id));
        Assert.Equal([bobs.Id], (await Folders.ListAsync("bob")).Select(f => f.Id));

        Assert.False(await Folders.RenameAsync("bob", books.Id, "Mine now"));
        Assert.False(await Folders.DeleteAsync("bob", books.Id));
        Assert.True(await Folders.RenameAsync("alice", books.Id, "Reading"));
        Assert.Equal("Reading", (await Folders.GetAsync("alice", books.Id))!.Name);

        Assert.Equal(2, await Folders.DeleteOfOwnerAsync("alice"));
        Assert.Empty(await Folders.ListAsync("alice"));
        Assert.Single(await Folders.ListAsync("bob"));
    }

    [Fact]
    public async Task Deleting_a_folder_moves_its_conversations_out_and_keeps_them()
    {
        var folder = await AddAsync("alice", "Work");
        var other = await AddAsync("alice", "Other");
        var inside = await ConversationAsync("alice");
        var elsewhere = await ConversationAsync("alice");
        Assert.True(await Conversations.MoveToFolderAsync("alice", inside.Id, folder.Id));
        Assert.True(await Conversations.MoveToFolderAsync("alice", elsewhere.Id, other.Id));

        Assert.True(await Folders.DeleteAsync("alice", folder.Id));
        Assert.False(await Folders.DeleteAsync("alice", folder.Id));

        var kept = await Conversations.GetConversationAsync("alice", inside.Id);
        Assert.NotNull(kept);
        Assert.Null(kept.FolderId);
        Assert.Equal(other.Id, (await Conversations.GetConversationAsync("alice", elsewhere.Id))!.FolderId);
    }

    [Fact]
    public async Task A_conversation_is_never_filed_in_another_owners_folder_or_a_deleted_one()
    {
        if (!ConversationsSeeFolders)
            return;
        var bobs = await AddAsync("bob", "Bob's");
        var gone = await AddAsync("alice", "Gone");
        await Folders.DeleteAsync("alice", gone.Id);
        var conversation = await ConversationAsync("alice");

        Assert.False(await Conversations.MoveToFolderAsync("alice", conversation.Id, bobs.Id));
        Assert.False(await Conversations.MoveToFolderAsync("alice", conversation.Id, gone.Id));
        Assert.Null((await Conversations.GetConversationAsync("alice", conversation.Id))!.FolderId);
    }
}

public sealed class SqliteFolderStoreTests : FolderStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    protected override Task<(IFolderStore Folders, IConversationStore Conversations)> CreateStoresAsync()
    {
        Directory.CreateDirectory(_folder);
        var database = SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db"));
        return Task.FromResult<(IFolderStore, IConversationStore)>((new SqlFolderStore(database), new SqlConversationStore(database)));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The folders in SQLite with the conversations in memory (PARLEY_STORAGE_PROVIDER=memory).</summary>
public sealed class MemoryHistoryFolderStoreTests : FolderStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    protected override bool ConversationsSeeFolders => false;

    protected override Task<(IFolderStore Folders, IConversationStore Conversations)> CreateStoresAsync()
    {
        Directory.CreateDirectory(_folder);
        var conversations = new Parley.Storage.Memory.InMemoryConversationStore();
        var folders = new FolderStoreWithHistory(new SqlFolderStore(SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db"))), conversations);
        return Task.FromResult<(IFolderStore, IConversationStore)>((folders, conversations));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

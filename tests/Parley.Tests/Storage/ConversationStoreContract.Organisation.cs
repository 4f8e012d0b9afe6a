using Parley.Conversations;
using Parley.Storage;

namespace Parley.Tests.Storage;

/// <summary>Pins, folders and the conditional title write, for every conversation store.</summary>
public abstract partial class ConversationStoreContract
{
    /// <summary>A folder of <paramref name="owner"/> that the store may file conversations in (SQL stores check it exists).</summary>
    protected virtual Task<string> NewFolderAsync(string owner) => Task.FromResult(Parley.Folders.Folder.NewId());

    /// <summary>Whether <see cref="IConversationStore.UpdateConversationAsync"/> leaves the pin and folder alone (Redis writes the whole record).</summary>
    protected virtual bool UpdatesKeepTheOrganisation => true;

    [Fact]
    public async Task Pin_and_folder_are_stored_per_owner_listed_and_are_not_activity()
    {
        var conversation = NewConversation(minutes: 5);
        await Store.CreateConversationAsync(conversation);
        var folder = await NewFolderAsync("alice");

        Assert.False(await Store.SetPinnedAsync("bob", conversation.Id, true));
        Assert.False(await Store.MoveToFolderAsync("bob", conversation.Id, null));
        Assert.False(await Store.SetPinnedAsync("alice", "c_missing", true));
        Assert.True(await Store.SetPinnedAsync("alice", conversation.Id, true));
        Assert.True(await Store.MoveToFolderAsync("alice", conversation.Id, folder));

        var stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
        Assert.True(stored.Pinned);
        Assert.Equal(folder, stored.FolderId);
        Assert.Equal(conversation.UpdatedAt, stored.UpdatedAt);
        var listed = Assert.Single((await Store.ListConversationsAsync("alice", new ConversationQuery())).Items).Conversation;
        Assert.True(listed.Pinned);
        Assert.Equal(folder, listed.FolderId);

        if (UpdatesKeepTheOrganisation)
        {
            // A settings write from a copy read before the pin (a rename, a model change) does not undo it.
            Assert.True(await Store.UpdateConversationAsync(conversation with { Title = "Renamed", HasTitle = true }));
            stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
            Assert.Equal(("Renamed", true, folder), (stored.Title, stored.Pinned, stored.FolderId));
        }

        Assert.True(await Store.SetPinnedAsync("alice", conversation.Id, false));
        Assert.True(await Store.MoveToFolderAsync("alice", conversation.Id, null));
        stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
        Assert.False(stored.Pinned);
        Assert.Null(stored.FolderId);
    }

    [Fact]
    public async Task The_organised_list_holds_only_pinned_and_filed_conversations_newest_first()
    {
        var pinned = NewConversation(minutes: 1);
        var filed = NewConversation(minutes: 2);
        var plain = NewConversation(minutes: 3);
        var bobs = NewConversation(owner: "bob", minutes: 4);
        foreach (var c in new[] { pinned, filed, plain, bobs })
            await Store.CreateConversationAsync(c);
        Assert.True(await Store.SetPinnedAsync("alice", pinned.Id, true));
        Assert.True(await Store.MoveToFolderAsync("alice", filed.Id, await NewFolderAsync("alice")));
        Assert.True(await Store.SetPinnedAsync("bob", bobs.Id, true));

        var organised = await Store.ListConversationsAsync("alice", new ConversationQuery(Organised: true));
        Assert.Equal([filed.Id, pinned.Id], organised.Items.Select(i => i.Conversation.Id));
        Assert.Equal(3, (await Store.ListConversationsAsync("alice", new ConversationQuery())).Items.Count);
    }

    [Fact]
    public async Task An_automatic_title_replaces_only_the_automatic_title_so_a_rename_that_landed_first_survives()
    {
        var conversation = NewConversation(minutes: 0);
        await Store.CreateConversationAsync(conversation);
        var later = T0.AddMinutes(9);

        Assert.False(await Store.ReplaceTitleAsync("bob", conversation.Id, null, "Stolen", later));
        Assert.True(await Store.ReplaceTitleAsync("alice", conversation.Id, null, "First message", later));
        Assert.False(await Store.ReplaceTitleAsync("alice", conversation.Id, null, "Again", later));
        var stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
        Assert.Equal(("First message", true, later), (stored.Title, stored.HasTitle, stored.UpdatedAt));

        // The user renames between the first-message title and the model's: the model's title is refused.
        Assert.True(await Store.UpdateConversationAsync(stored with { Title = "My name for it" }));
        Assert.False(await Store.ReplaceTitleAsync("alice", conversation.Id, "First message", "A model's title", later.AddMinutes(1)));
        Assert.Equal("My name for it", (await Store.GetConversationAsync("alice", conversation.Id))!.Title);

        Assert.True(await Store.ReplaceTitleAsync("alice", conversation.Id, "My name for it", "Replaced while unchanged", later));
        Assert.Equal("Replaced while unchanged", (await Store.GetConversationAsync("alice", conversation.Id))!.Title);
    }
}

using Parley.Conversations;
using Parley.Storage;

namespace Parley.Tests.Storage;

/// <summary>Pins, folders and the conditional title write, for every conversation store.</summary>
public abstract partial class ConversationStoreContract
{
    /// <summary>A folder of <paramref name="owner"/> that the store may file conversations in (SQL stores check it exists).</summary>
    protected virtual Task<string> NewFolderAsync(string owner) => Task.FromResult(Parley.Folders.Folder.NewId());

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

        // A settings write from a copy read before the pin (a rename, a model change) does not undo it.
        Assert.True(await Store.UpdateConversationAsync(conversation with { Title = "Renamed", HasTitle = true }));
        stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
        Assert.Equal(("Renamed", true, folder), (stored.Title, stored.Pinned, stored.FolderId));

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

    [Fact]
    public async Task Settings_writes_racing_pins_and_folder_moves_never_undo_them()
    {
        var conversation = NewConversation(minutes: 0);
        await Store.CreateConversationAsync(conversation);
        var folder = await NewFolderAsync("alice");

        // Every rename is built from the copy read before any pin or move, as a PATCH that read early would be.
        for (var round = 0; round < 10; round++)
        {
            var pinned = round % 2 == 0;
            var target = pinned ? folder : null;
            await Task.WhenAll([
                .. Enumerable.Range(0, 5).Select(i => Store.UpdateConversationAsync(conversation with { Title = $"Rename {round}.{i}", HasTitle = true })),
                Store.SetPinnedAsync("alice", conversation.Id, pinned),
                Store.MoveToFolderAsync("alice", conversation.Id, target),
            ]);
            var stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
            Assert.Equal((pinned, target), (stored.Pinned, stored.FolderId));
            Assert.StartsWith($"Rename {round}.", stored.Title, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_rename_racing_an_automatic_title_always_wins()
    {
        for (var round = 0; round < 20; round++)
        {
            var conversation = NewConversation(minutes: round);
            await Store.CreateConversationAsync(conversation);
            var renamed = conversation with { Title = "My name for it", HasTitle = true, UpdatedAt = T0.AddMinutes(30) };

            var results = await Task.WhenAll(
                Store.ReplaceTitleAsync("alice", conversation.Id, null, "Automatic", T0.AddMinutes(31)),
                Store.UpdateConversationAsync(renamed));

            Assert.True(results[1]);
            var stored = (await Store.GetConversationAsync("alice", conversation.Id))!;
            Assert.Equal(("My name for it", true), (stored.Title, stored.HasTitle));
        }
    }

    [Fact]
    public async Task Of_concurrent_automatic_titles_exactly_one_lands()
    {
        var conversation = NewConversation(minutes: 0);
        await Store.CreateConversationAsync(conversation);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Store.ReplaceTitleAsync("alice", conversation.Id, null, $"Title {i}", T0.AddMinutes(1))));

        var winner = Assert.Single(Enumerable.Range(0, 10), i => results[i]);
        Assert.Equal($"Title {winner}", (await Store.GetConversationAsync("alice", conversation.Id))!.Title);
    }

    [Fact]
    public async Task Moving_out_of_a_folder_clears_only_that_owners_conversations_in_it()
    {
        var inside = NewConversation(minutes: 1);
        var alsoInside = NewConversation(minutes: 2);
        var elsewhere = NewConversation(minutes: 3);
        var bobs = NewConversation(owner: "bob", minutes: 4);
        foreach (var c in new[] { inside, alsoInside, elsewhere, bobs })
            await Store.CreateConversationAsync(c);
        var folder = await NewFolderAsync("alice");
        var other = await NewFolderAsync("alice");
        Assert.True(await Store.MoveToFolderAsync("alice", inside.Id, folder));
        Assert.True(await Store.MoveToFolderAsync("alice", alsoInside.Id, folder));
        Assert.True(await Store.SetPinnedAsync("alice", alsoInside.Id, true));
        Assert.True(await Store.MoveToFolderAsync("alice", elsewhere.Id, other));

        Assert.Equal(0, await Store.MoveOutOfFolderAsync("bob", folder));
        Assert.Equal(2, await Store.MoveOutOfFolderAsync("alice", folder));

        Assert.Null((await Store.GetConversationAsync("alice", inside.Id))!.FolderId);
        var pinned = (await Store.GetConversationAsync("alice", alsoInside.Id))!;
        Assert.Equal((true, null, alsoInside.UpdatedAt), (pinned.Pinned, pinned.FolderId, pinned.UpdatedAt));
        Assert.Equal(other, (await Store.GetConversationAsync("alice", elsewhere.Id))!.FolderId);
        Assert.Equal([elsewhere.Id, alsoInside.Id],
            (await Store.ListConversationsAsync("alice", new ConversationQuery(Organised: true))).Items.Select(i => i.Conversation.Id));
    }

    [Fact]
    public async Task Adding_whole_conversations_keeps_their_pin_and_folder()
    {
        var folder = await NewFolderAsync("alice");
        var filed = NewConversation(minutes: 1, title: "Filed") with { Pinned = true, FolderId = folder };
        var plain = NewConversation(minutes: 2, title: "Plain");

        await Store.AddConversationsAsync([
            new WholeConversation(filed, [], [NewMessage(filed.Id, null, "hello", 1)]),
            new WholeConversation(plain, [], []),
        ]);

        var stored = (await Store.GetConversationAsync("alice", filed.Id))!;
        Assert.Equal((true, folder), (stored.Pinned, stored.FolderId));
        stored = (await Store.GetConversationAsync("alice", plain.Id))!;
        Assert.Equal((false, null), (stored.Pinned, stored.FolderId));
    }
}

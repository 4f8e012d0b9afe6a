using Parley.Conversations;
using Parley.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Storage;

/// <summary>The behaviour every <see cref="IConversationStore"/> must have; each store runs this suite.</summary>
public abstract partial class ConversationStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected IConversationStore Store { get; private set; } = null!;

    protected abstract Task<IConversationStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static Conversation NewConversation(string owner = "alice", int minutes = 0, string title = "New chat") => new()
    {
        Id = Conversation.NewId(), Owner = owner, Title = title, CreatedAt = T0.AddMinutes(minutes), UpdatedAt = T0.AddMinutes(minutes),
    };

    private static StoredMessage NewMessage(string conversationId, string? parent, string text, int minutes = 1, string role = MessageRoles.User) => new()
    {
        Id = StoredMessage.NewId(), ConversationId = conversationId, ParentId = parent, Role = role,
        Parts = [new TextPart(text)], CreatedAt = T0.AddMinutes(minutes),
    };

    [Fact]
    public async Task The_selected_branch_round_trips_and_null_means_the_newest()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        Assert.Null((await Store.GetConversationAsync("alice", conversation.Id))!.SelectedLeafId);
        Assert.True(await Store.UpdateConversationAsync(conversation with { SelectedLeafId = "m_chosen" }));
        Assert.Equal("m_chosen", (await Store.GetConversationAsync("alice", conversation.Id))!.SelectedLeafId);
        Assert.Equal("m_chosen", (await Store.ListConversationsAsync("alice", new ConversationQuery())).Items.Single().Conversation.SelectedLeafId);
        Assert.True(await Store.UpdateConversationAsync(conversation with { SelectedLeafId = null }));
        Assert.Null((await Store.GetConversationAsync("alice", conversation.Id))!.SelectedLeafId);
    }

    [Fact]
    public async Task Adding_whole_conversations_stores_all_of_them_in_order()
    {
        var first = NewConversation(title: "First");
        var second = NewConversation(minutes: 1, title: "Second");
        var question = NewMessage(first.Id, null, "question");
        var answer = NewMessage(first.Id, question.Id, "answer", 2, MessageRoles.Assistant);
        var image = new StoredImage("i_" + first.Id, first.Id, "image/png", [4, 5, 6]);

        await Store.AddConversationsAsync([
            new WholeConversation(first with { UpdatedAt = T0.AddMinutes(5) }, [image], [question, answer]),
            new WholeConversation(second, [], [NewMessage(second.Id, null, "hello", 3)]),
        ]);

        Assert.Equal(["question", "answer"], (await Store.GetMessagesAsync(first.Id)).Select(m => m.Text));
        Assert.Equal(T0.AddMinutes(5), (await Store.GetConversationAsync("alice", first.Id))!.UpdatedAt);
        Assert.Equal([4, 5, 6], (await Store.GetImageAsync(first.Id, image.Id))!.Data);
        Assert.Equal(["hello"], (await Store.GetMessagesAsync(second.Id)).Select(m => m.Text));
    }

    [Fact]
    public async Task Adding_whole_conversations_that_fails_half_way_leaves_none_of_them()
    {
        var existing = NewConversation(title: "Existing");
        await Store.CreateConversationAsync(existing);
        await Store.AddMessageAsync(NewMessage(existing.Id, null, "kept"));
        var imported = NewConversation(minutes: 1, title: "Imported");
        var question = NewMessage(imported.Id, null, "imported question", 2);
        var image = new StoredImage("i_" + imported.Id, imported.Id, "image/png", [1, 2, 3]);
        // The second conversation reuses an id already stored: its insert fails after the first one's rows were written.
        var clash = existing with { Title = "Clash", UpdatedAt = T0.AddMinutes(9) };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.AddConversationsAsync([
            new WholeConversation(imported, [image], [question, NewMessage(imported.Id, question.Id, "imported answer", 3, MessageRoles.Assistant)]),
            new WholeConversation(clash, [], [NewMessage(clash.Id, null, "never", 4)]),
        ]));

        Assert.Null(await Store.GetConversationAsync("alice", imported.Id));
        Assert.Empty(await Store.GetMessagesAsync(imported.Id));
        Assert.Null(await Store.GetImageAsync(imported.Id, image.Id));
        var list = await Store.ListConversationsAsync("alice", new ConversationQuery());
        Assert.Equal([(existing.Id, "Existing")], list.Items.Select(i => (i.Conversation.Id, i.Conversation.Title)));
        Assert.Equal(["kept"], (await Store.GetMessagesAsync(existing.Id)).Select(m => m.Text));
    }

    [Fact]
    public async Task Replies_left_streaming_are_marked_interrupted_with_their_saved_text()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        var user = NewMessage(conversation.Id, null, "question");
        var cut = NewMessage(conversation.Id, user.Id, "half an ans", 2, MessageRoles.Assistant) with { Status = MessageStatus.Streaming };
        var done = NewMessage(conversation.Id, user.Id, "a whole answer", 3, MessageRoles.Assistant);
        foreach (var m in new[] { user, cut, done })
            await Store.AddMessageAsync(m);

        Assert.Equal(1, await Store.MarkInterruptedAsync());

        var messages = await Store.GetMessagesAsync(conversation.Id);
        Assert.Equal([MessageStatus.Complete, MessageStatus.Interrupted, MessageStatus.Complete], messages.Select(m => m.Status));
        Assert.Equal("half an ans", messages[1].Text);
        Assert.Equal(0, await Store.MarkInterruptedAsync());
    }

    [Fact]
    public async Task Round_trips_a_conversation_and_its_settings()
    {
        var conversation = NewConversation() with { SystemPrompt = "sys", Model = "mock/echo", Temperature = 0.5, MaxTokens = 100, HasTitle = true, Title = "T" };
        await Store.CreateConversationAsync(conversation);
        var loaded = await Store.GetConversationAsync("alice", conversation.Id);
        Assert.Equal(conversation with { MessageCount = 0 }, loaded);
    }

    [Fact]
    public async Task Tool_switches_round_trip_and_null_means_the_defaults()
    {
        var defaults = NewConversation();
        var chosen = NewConversation() with { Tools = ["calculator", "mcp__echo"] };
        var none = NewConversation() with { Tools = [] };
        foreach (var c in new[] { defaults, chosen, none })
            await Store.CreateConversationAsync(c);

        Assert.Null((await Store.GetConversationAsync("alice", defaults.Id))!.Tools);
        Assert.Equal(["calculator", "mcp__echo"], (await Store.GetConversationAsync("alice", chosen.Id))!.Tools!);
        Assert.Empty((await Store.GetConversationAsync("alice", none.Id))!.Tools!);
        var listed = (await Store.ListConversationsAsync("alice", new ConversationQuery())).Items.Single(i => i.Conversation.Id == chosen.Id);
        Assert.Equal(["calculator", "mcp__echo"], listed.Conversation.Tools!);

        Assert.True(await Store.UpdateConversationAsync(defaults with { Tools = ["current_time"] }));
        Assert.True(await Store.UpdateConversationAsync(chosen with { Tools = null }));
        Assert.Equal(["current_time"], (await Store.GetConversationAsync("alice", defaults.Id))!.Tools!);
        Assert.Null((await Store.GetConversationAsync("alice", chosen.Id))!.Tools);
    }

    [Fact]
    public async Task Other_owners_can_neither_read_list_change_nor_delete()
    {
        var conversation = NewConversation("alice");
        await Store.CreateConversationAsync(conversation);

        Assert.Null(await Store.GetConversationAsync("mallory", conversation.Id));
        Assert.Empty((await Store.ListConversationsAsync("mallory", new ConversationQuery())).Items);
        Assert.False(await Store.UpdateConversationAsync(conversation with { Owner = "mallory", Title = "pwned" }));
        Assert.False(await Store.DeleteConversationAsync("mallory", conversation.Id));
        Assert.Equal("New chat", (await Store.GetConversationAsync("alice", conversation.Id))!.Title);
    }

    [Fact]
    public async Task Messages_keep_order_parts_and_branches()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        var root = NewMessage(conversation.Id, null, "root");
        var reply = NewMessage(conversation.Id, root.Id, "reply", 2, MessageRoles.Assistant) with
        {
            Parts = [new ToolCallPart("c1", "t", "{}"), new ToolResultPart("c1", "t", "r", true), new TextPart("done"), new ImagePart("i_1", "image/png")],
            Usage = new TokenUsage(1, 2, 3), Timings = new MessageTimings(5, 9), Model = "mock/echo", Status = MessageStatus.Incomplete,
        };
        var sibling = NewMessage(conversation.Id, root.Id, "sibling", 3, MessageRoles.Assistant);
        await Store.AddMessageAsync(root);
        await Store.AddMessageAsync(reply);
        await Store.AddMessageAsync(sibling);

        var messages = await Store.GetMessagesAsync(conversation.Id);
        Assert.Equal([root.Id, reply.Id, sibling.Id], messages.Select(m => m.Id));
        Assert.Equal(reply.Parts, messages[1].Parts);
        Assert.Equal(reply.Usage, messages[1].Usage);
        Assert.Equal(reply.Timings, messages[1].Timings);
        Assert.Equal(root.Id, messages[2].ParentId);
        var updated = (await Store.GetConversationAsync("alice", conversation.Id))!;
        Assert.Equal(3, updated.MessageCount);
        Assert.Equal(T0.AddMinutes(3), updated.UpdatedAt);
    }

    [Fact]
    public async Task The_tree_and_messages_by_id_agree_with_the_whole_list()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        var root = NewMessage(conversation.Id, null, "root");
        var reply = NewMessage(conversation.Id, root.Id, "reply", 2, MessageRoles.Assistant) with { Usage = new TokenUsage(1, 2, 3) };
        var sibling = NewMessage(conversation.Id, root.Id, "sibling", 3, MessageRoles.Assistant);
        await Store.AddMessageAsync(root);
        await Store.AddMessageAsync(reply);
        await Store.AddMessageAsync(sibling);

        Assert.Equal(
            [new MessageNode(root.Id, null, MessageRoles.User, TextLength: 4), new MessageNode(reply.Id, root.Id, MessageRoles.Assistant, new TokenUsage(1, 2, 3), 5),
                new MessageNode(sibling.Id, root.Id, MessageRoles.Assistant, TextLength: 7)],
            await Store.GetMessageTreeAsync(conversation.Id));
        var some = await Store.GetMessagesAsync(conversation.Id, [sibling.Id, root.Id, "m_unknown"]);
        Assert.Equal([root.Id, sibling.Id], some.Select(m => m.Id));
        Assert.Equal("sibling", some[1].Text);
        Assert.Empty(await Store.GetMessagesAsync(NewConversation().Id, [root.Id]));
    }

    [Fact]
    public async Task Updating_a_message_replaces_its_content_and_status()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        var reply = NewMessage(conversation.Id, null, "", role: MessageRoles.Assistant) with { Status = MessageStatus.Incomplete, Parts = [] };
        await Store.AddMessageAsync(reply);

        await Store.UpdateMessageAsync(reply with { Parts = [new TextPart("final")], Status = MessageStatus.Error, Error = new MessageError("x", "y") });

        var stored = Assert.Single(await Store.GetMessagesAsync(conversation.Id));
        Assert.Equal("final", stored.Text);
        Assert.Equal(MessageStatus.Error, stored.Status);
        Assert.Equal(new MessageError("x", "y"), stored.Error);
    }

    [Fact]
    public async Task Lists_newest_first_in_pages_and_searches_title_and_text()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var c = NewConversation(minutes: i, title: i == 2 ? "Holiday plans" : $"Chat {i}");
            ids.Add(c.Id);
            await Store.CreateConversationAsync(c);
        }
        await Store.AddMessageAsync(NewMessage(ids[4], null, "The 100% best pasta_recipe", minutes: 4));

        var first = await Store.ListConversationsAsync("alice", new ConversationQuery(Limit: 3));
        var second = await Store.ListConversationsAsync("alice", new ConversationQuery(Limit: 3, Cursor: first.NextCursor));
        var third = await Store.ListConversationsAsync("alice", new ConversationQuery(Limit: 3, Cursor: second.NextCursor));
        Assert.Equal(Enumerable.Reverse(ids), first.Items.Concat(second.Items).Concat(third.Items).Select(i => i.Conversation.Id));
        Assert.Null(third.NextCursor);

        Assert.Equal([ids[2]], (await Store.ListConversationsAsync("alice", new ConversationQuery(Search: "holiday"))).Items.Select(i => i.Conversation.Id));
        var byText = Assert.Single((await Store.ListConversationsAsync("alice", new ConversationQuery(Search: "100% best"))).Items);
        Assert.Equal(ids[4], byText.Conversation.Id);
        Assert.Contains("pasta_recipe", byText.Snippet);
        Assert.Empty((await Store.ListConversationsAsync("alice", new ConversationQuery(Search: "pasta%recipe"))).Items);
    }

    [Fact]
    public async Task Delete_removes_messages_and_images_clear_keeps_the_conversation()
    {
        var keep = NewConversation();
        var gone = NewConversation();
        await Store.CreateConversationAsync(keep);
        await Store.CreateConversationAsync(gone);
        foreach (var c in new[] { keep, gone })
        {
            await Store.AddMessageAsync(NewMessage(c.Id, null, "x"));
            await Store.SaveImageAsync(new StoredImage("i_" + c.Id, c.Id, "image/png", [1, 2, 3]));
        }

        Assert.True(await Store.DeleteConversationAsync("alice", gone.Id));
        Assert.Empty(await Store.GetMessagesAsync(gone.Id));
        Assert.Null(await Store.GetImageAsync(gone.Id, "i_" + gone.Id));

        await Store.ClearMessagesAsync(keep.Id);
        Assert.Empty(await Store.GetMessagesAsync(keep.Id));
        Assert.Null(await Store.GetImageAsync(keep.Id, "i_" + keep.Id));
        Assert.NotNull(await Store.GetConversationAsync("alice", keep.Id));
    }

    [Fact]
    public async Task Images_are_scoped_to_their_conversation()
    {
        var a = NewConversation();
        var b = NewConversation();
        await Store.CreateConversationAsync(a);
        await Store.CreateConversationAsync(b);
        await Store.SaveImageAsync(new StoredImage("i_1", a.Id, "image/png", [9, 8, 7]));

        Assert.Equal(new byte[] { 9, 8, 7 }, (await Store.GetImageAsync(a.Id, "i_1"))!.Data);
        Assert.Null(await Store.GetImageAsync(b.Id, "i_1"));
    }

    [Fact]
    public async Task Concurrent_appends_are_all_kept()
    {
        var conversation = NewConversation();
        await Store.CreateConversationAsync(conversation);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Store.AddMessageAsync(NewMessage(conversation.Id, null, $"m{i}", i))));
        Assert.Equal(40, (await Store.GetMessagesAsync(conversation.Id)).Count);
    }

    [Fact]
    public async Task Deleting_an_owners_conversations_removes_messages_and_images_and_leaves_others_alone()
    {
        var old = NewConversation(minutes: 0);
        var recent = NewConversation(minutes: 100);
        var bobs = NewConversation(owner: "bob", minutes: 0);
        foreach (var c in new[] { old, recent, bobs })
        {
            await Store.CreateConversationAsync(c);
            await Store.SaveImageAsync(new StoredImage("img_" + c.Id, c.Id, "image/png", [1, 2, 3]));
        }
        await Store.AddMessageAsync(NewMessage(old.Id, null, "a", minutes: 1));
        await Store.AddMessageAsync(NewMessage(old.Id, null, "b", minutes: 2));
        await Store.AddMessageAsync(NewMessage(recent.Id, null, "c", minutes: 101));
        await Store.AddMessageAsync(NewMessage(bobs.Id, null, "d", minutes: 1));

        // Last activity counts, not creation: "old" was last touched at minute 2.
        Assert.Equal(new DeletedConversations(1, 2, 1), await Store.DeleteConversationsOfAsync("alice", T0.AddMinutes(50)));
        Assert.Null(await Store.GetConversationAsync("alice", old.Id));
        Assert.Empty(await Store.GetMessagesAsync(old.Id));
        Assert.Null(await Store.GetImageAsync(old.Id, "img_" + old.Id));
        Assert.NotNull(await Store.GetConversationAsync("alice", recent.Id));
        Assert.NotNull(await Store.GetConversationAsync("bob", bobs.Id));

        Assert.Equal(new DeletedConversations(1, 1, 1), await Store.DeleteConversationsOfAsync("alice", null));
        Assert.Empty((await Store.ListConversationsAsync("alice", new ConversationQuery())).Items);
        Assert.Single((await Store.ListConversationsAsync("bob", new ConversationQuery())).Items);
        Assert.Equal(DeletedConversations.None, await Store.DeleteConversationsOfAsync("alice", null));
    }

    [Fact]
    public async Task Deleting_inactive_conversations_spans_every_owner()
    {
        var a = NewConversation(owner: "alice", minutes: 0);
        var b = NewConversation(owner: "bob", minutes: 10);
        var fresh = NewConversation(owner: "bob", minutes: 60);
        foreach (var c in new[] { a, b, fresh })
            await Store.CreateConversationAsync(c);
        await Store.AddMessageAsync(NewMessage(b.Id, null, "x", minutes: 11));

        Assert.Equal(new DeletedConversations(2, 1, 0), await Store.DeleteInactiveConversationsAsync(T0.AddMinutes(30)));
        Assert.Null(await Store.GetConversationAsync("alice", a.Id));
        Assert.Null(await Store.GetConversationAsync("bob", b.Id));
        Assert.NotNull(await Store.GetConversationAsync("bob", fresh.Id));
    }
}

public sealed class InMemoryConversationStoreTests : ConversationStoreContract
{
    protected override Task<IConversationStore> CreateStoreAsync() => Task.FromResult<IConversationStore>(new Parley.Storage.Memory.InMemoryConversationStore());
}

using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Redis;
using Parley.Redis.History;
using Parley.Storage;
using Parley.Tests.Storage;

namespace Parley.Tests.Redis;

/// <summary>The store contract against seed 004's Redis history (trimming set high), plus trimming and expiry.</summary>
public sealed class RedisConversationStoreTests(RedisFixture redis) : ConversationStoreContract, IClassFixture<RedisFixture>
{
    private readonly List<RedisConnection> _connections = [];

    protected override Task<IConversationStore> CreateStoreAsync() =>
        Task.FromResult<IConversationStore>(NewStore(new RedisOptions { HistoryMaxTurns = 10_000 }));

    private RedisConversationStore NewStore(RedisOptions options)
    {
        var connection = redis.Connect($"t{Guid.NewGuid():N}:", options);
        _connections.Add(connection);
        return new RedisConversationStore(connection, Options.Create(options));
    }

    private static Conversation NewConversation() => new()
    {
        Id = Conversation.NewId(), Owner = "alice", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
    };

    private static StoredMessage Message(string conversationId, string? parent, string role, string text, int second) => new()
    {
        Id = StoredMessage.NewId(), ConversationId = conversationId, ParentId = parent, Role = role,
        Parts = [new TextPart(text)], CreatedAt = DateTimeOffset.UtcNow.AddSeconds(second),
    };

    [Fact]
    public async Task Only_the_newest_history_max_turns_are_kept_and_the_path_starts_at_the_oldest_kept_message()
    {
        var store = NewStore(new RedisOptions { HistoryMaxTurns = 2 });
        var conversation = NewConversation();
        await store.CreateConversationAsync(conversation);
        string? parent = null;
        StoredMessage? first = null;
        for (var turn = 0; turn < 5; turn++)
        {
            var question = Message(conversation.Id, parent, MessageRoles.User, $"q{turn}", 2 * turn);
            await store.AddMessageAsync(question);
            first ??= question;
            var answer = Message(conversation.Id, question.Id, MessageRoles.Assistant, $"a{turn}", 2 * turn + 1);
            await store.AddMessageAsync(answer);
            parent = answer.Id;
        }

        var kept = await store.GetMessagesAsync(conversation.Id);
        Assert.Equal(["q3", "a3", "q4", "a4"], kept.Select(m => m.Text));
        Assert.Equal(4, (await store.GetConversationAsync("alice", conversation.Id))!.MessageCount);

        // q3's parent (a2) was trimmed: the branch path must still be built from what is left.
        var path = MessageTree.PathTo(kept, parent!);
        Assert.Equal(["q3", "a3", "q4", "a4"], path.Select(m => m.Text));

        // Updating a kept message works; a message already trimmed away is not brought back.
        await store.UpdateMessageAsync(kept[0] with { Parts = [new TextPart("edited")] });
        await store.UpdateMessageAsync(first! with { Parts = [new TextPart("resurrected")] });
        Assert.Equal(["edited", "a3", "q4", "a4"], (await store.GetMessagesAsync(conversation.Id)).Select(m => m.Text));
    }

    [Fact]
    public async Task Every_write_renews_history_ttl_seconds_and_redis_expires_the_conversation_afterwards()
    {
        var store = NewStore(new RedisOptions { HistoryTtlSeconds = 4 });
        var conversation = NewConversation();
        await store.CreateConversationAsync(conversation);
        var ttl = await store.TimeToLiveAsync(conversation.Id);
        Assert.InRange(ttl!.Value.TotalSeconds, 0.5, 4);

        await Task.Delay(2000);
        await store.AddMessageAsync(Message(conversation.Id, null, MessageRoles.User, "still here", 0));
        Assert.InRange((await store.TimeToLiveAsync(conversation.Id))!.Value.TotalSeconds, 2.0, 4);
        await Task.Delay(2000);
        Assert.NotNull(await store.GetConversationAsync("alice", conversation.Id));
        Assert.Single(await store.GetMessagesAsync(conversation.Id));

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await store.GetConversationAsync("alice", conversation.Id) is not null && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Null(await store.GetConversationAsync("alice", conversation.Id));
        Assert.Empty(await store.GetMessagesAsync(conversation.Id));
        Assert.Empty((await store.ListConversationsAsync("alice", new ConversationQuery())).Items);
    }

    [Fact]
    public async Task A_retention_deletion_keeps_a_conversation_that_became_active_after_it_was_chosen()
    {
        var store = NewStore(new RedisOptions());
        var connection = _connections[^1];
        var old = DateTimeOffset.UtcNow.AddDays(-40);
        var conversation = NewConversation() with { CreatedAt = old, UpdatedAt = old };
        await store.CreateConversationAsync(conversation);
        await store.AddMessageAsync(Message(conversation.Id, null, MessageRoles.User, "just now", 0));
        // The owner index still says 40 days, as it did when a retention run read it a moment before the message.
        await connection.Database()!.SortedSetAddAsync($"{connection.KeyPrefix}history:owner:alice", conversation.Id, old.ToUnixTimeMilliseconds());

        var deleted = await store.DeleteConversationsOfAsync("alice", DateTimeOffset.UtcNow.AddDays(-30));

        Assert.Equal(DeletedConversations.None, deleted);
        Assert.Single(await store.GetMessagesAsync(conversation.Id));
        Assert.Equal(new DeletedConversations(1, 1, 0), await store.DeleteConversationsOfAsync("alice", DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task Two_instances_renaming_titling_and_pinning_at_once_lose_none_of_it()
    {
        var options = new RedisOptions();
        var prefix = $"t{Guid.NewGuid():N}:";
        using var first = redis.Connect(prefix, options);
        using var second = redis.Connect(prefix, options);
        var a = new RedisConversationStore(first, Options.Create(options));
        var b = new RedisConversationStore(second, Options.Create(options));
        for (var round = 0; round < 20; round++)
        {
            var conversation = NewConversation();
            await a.CreateConversationAsync(conversation);
            var stale = (await b.GetConversationAsync("alice", conversation.Id))!;

            await Task.WhenAll(
                a.ReplaceTitleAsync("alice", conversation.Id, null, "Automatic", DateTimeOffset.UtcNow),
                b.UpdateConversationAsync(stale with { Title = "Mine", HasTitle = true, Model = "mock/echo" }),
                a.SetPinnedAsync("alice", conversation.Id, true),
                b.UpdateConversationAsync(stale with { SystemPrompt = "Be brief" }),
                a.MoveToFolderAsync("alice", conversation.Id, "f_work"));

            var stored = (await a.GetConversationAsync("alice", conversation.Id))!;
            Assert.True(stored.Pinned);
            Assert.Equal("f_work", stored.FolderId);
            // Settings writes are whole (the last one wins) and never undo the pin or the folder; an automatic title
            // never lands on the user's name, so the name stands exactly when its settings write was the last.
            Assert.Equal(stored.Title == "Mine", stored.Model == "mock/echo");
        }
    }

    public override Task DisposeAsync()
    {
        foreach (var connection in _connections)
            connection.Dispose();
        return Task.CompletedTask;
    }
}

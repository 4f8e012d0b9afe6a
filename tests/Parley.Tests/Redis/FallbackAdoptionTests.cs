using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Redis;
using Parley.Redis.History;

namespace Parley.Tests.Redis;

/// <summary>When Redis goes away, every request for a conversation this instance has a copy of goes on in memory.</summary>
public sealed class FallbackAdoptionTests
{
    [Fact(Timeout = 90_000)]
    public async Task Two_requests_taking_over_the_same_conversation_at_once_both_get_it()
    {
        await using var server = await RedisServer.StartAsync();
        var options = new RedisOptions { Url = server.Url, KeyPrefix = "t:", HistoryMaxTurns = 10_000 };
        using var connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance, TimeProvider.System);
        connection.Connect();
        var store = new FallbackConversationStore(new RedisConversationStore(connection, Options.Create(options)), connection);
        var conversations = new List<string>();
        for (var c = 0; c < 30; c++)
        {
            var conversation = new Conversation { Id = Conversation.NewId(), Owner = "alice", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            await store.CreateConversationAsync(conversation);
            // Enough messages that taking the copy over takes a moment, so the two requests overlap it.
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.AddMessageAsync(new StoredMessage
            {
                Id = StoredMessage.NewId(), ConversationId = conversation.Id, Role = MessageRoles.User,
                Parts = [new TextPart($"message {i}")], CreatedAt = conversation.CreatedAt.AddMilliseconds(i),
            })));
            conversations.Add(conversation.Id);
        }

        await server.KillAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (connection.IsAvailable && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.False(connection.IsAvailable);

        foreach (var id in conversations)
        {
            using var both = new Barrier(2);
            var racers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
            {
                both.SignalAndWait();
                return store.GetMessagesAsync(id).GetAwaiter().GetResult().Count;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
            var counts = await Task.WhenAll(racers);
            Assert.Equal(new[] { 200, 200 }, counts);
        }
    }
}

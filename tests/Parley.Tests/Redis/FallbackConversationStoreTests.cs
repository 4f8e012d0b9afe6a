using Microsoft.Extensions.Options;
using Parley.Redis;
using Parley.Redis.History;
using Parley.Storage;
using Parley.Tests.Storage;

namespace Parley.Tests.Redis;

/// <summary>The store contract against what REDIS_URL actually registers: the Redis history behind its memory fallback.</summary>
public sealed class FallbackConversationStoreTests(RedisFixture redis) : ConversationStoreContract, IClassFixture<RedisFixture>
{
    private RedisConnection? _connection;

    protected override Task<IConversationStore> CreateStoreAsync()
    {
        var options = new RedisOptions { HistoryMaxTurns = 10_000 };
        _connection = redis.Connect($"t{Guid.NewGuid():N}:", options);
        return Task.FromResult<IConversationStore>(new FallbackConversationStore(new RedisConversationStore(_connection, Options.Create(options)), _connection));
    }

    public override Task DisposeAsync()
    {
        _connection?.Dispose();
        return Task.CompletedTask;
    }
}

using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Redis;
using StackExchange.Redis;

namespace Parley.Replies;

/// <summary>
/// Reply logs shared by every instance: one Redis Stream per reply (<c>{prefix}replies:{conversation}:{message}</c>),
/// entry ids <c>{n}-0</c> so a client's event id is the stream position, length capped at
/// <see cref="ReplyOptions.MaxEventsPerReply"/>, expiring <see cref="ReplyOptions.KeepFinishedSeconds"/> after the end
/// (and after <see cref="ReplyOptions.MaxSeconds"/> plus that while it runs, so an instance that dies leaves nothing behind).
/// </summary>
internal sealed class RedisReplyLog(RedisConnection redis, IOptions<ReplyOptions> options)
{
    private const string DataField = "d";
    private const string EndField = "end";

    public bool IsConfigured => redis.IsConfigured;

    /// <summary>The database, or null when Redis is not configured or not answering now.</summary>
    public IDatabase? Database() => redis.Database();

    public void Failed(Exception error) => redis.Failed(error);

    public async Task AppendAsync(IDatabase db, ReplyKey key, long id, string? data)
    {
        var name = Key(key);
        await db.StreamAddAsync(name, data is null ? EndField : DataField, data ?? "1", Id(id),
            maxLength: options.Value.MaxEventsPerReply, useApproximateMaxLength: false);
        var ttl = data is null
            ? TimeSpan.FromSeconds(options.Value.KeepFinishedSeconds)
            : TimeSpan.FromSeconds(options.Value.MaxSeconds + options.Value.KeepFinishedSeconds);
        if (data is null || id == 1)
            await db.KeyExpireAsync(name, ttl);
    }

    public async Task<ReplyLogState?> StateAsync(IDatabase db, ReplyKey key)
    {
        var name = Key(key);
        var first = await db.StreamRangeAsync(name, "-", "+", 1, Order.Ascending);
        if (first.Length == 0)
            return null;
        var last = await db.StreamRangeAsync(name, "-", "+", 1, Order.Descending);
        return new ReplyLogState(Position(first[0].Id), Position(last[0].Id), IsEnd(last[0]));
    }

    public async Task<IReadOnlyList<ReplyLogEntry>> ReadAsync(IDatabase db, ReplyKey key, long after, int count)
    {
        var entries = await db.StreamRangeAsync(Key(key), Id(after + 1), "+", count, Order.Ascending);
        return [.. entries.Select(e => new ReplyLogEntry(Position(e.Id), IsEnd(e) ? null : (string?)e[DataField]))];
    }

    private RedisKey Key(ReplyKey key) => $"{redis.KeyPrefix}replies:{key.ConversationId}:{key.MessageId}";

    private static string Id(long position) => position.ToString(CultureInfo.InvariantCulture) + "-0";

    private static long Position(RedisValue id)
    {
        var text = (string)id!;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? text : text[..dash], CultureInfo.InvariantCulture);
    }

    private static bool IsEnd(StreamEntry entry) => !entry[EndField].IsNull;
}

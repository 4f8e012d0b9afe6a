namespace Parley.Redis.History;

/// <summary>
/// The Lua scripts of <see cref="RedisConversationStore"/>; each runs as one step in Redis, so writers cannot interleave
/// inside one. Conversation-level KEYS are always: conversation hash, message order, messages, images, owner index.
/// </summary>
internal static class RedisHistoryScripts
{
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[1], 'owner', ARGV[2], 'updated', ARGV[3], 'updated_ms', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('ZADD', KEYS[5], ARGV[4], ARGV[6])
        redis.call('PEXPIRE', KEYS[5], ARGV[5])
        return 1
        """;

    /// <summary>
    /// Compare-and-set of the conversation's settings document. ARGV: new json, owner, expected json (what the change was
    /// computed from), ttl ms, conversation id, and optionally the new last-activity time (text, ms). 1 written, 0 no
    /// such conversation of that owner, -1 the document changed since it was read (the caller reads again).
    /// </summary>
    public const string ReplaceSettings = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
        if redis.call('HGET', KEYS[1], 'json') ~= ARGV[3] then return -1 end
        redis.call('HSET', KEYS[1], 'json', ARGV[1])
        if ARGV[6] then
          redis.call('HSET', KEYS[1], 'updated', ARGV[6], 'updated_ms', ARGV[7])
          redis.call('ZADD', KEYS[5], ARGV[7], ARGV[5])
        end
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
        redis.call('PEXPIRE', KEYS[5], ARGV[4])
        return 1
        """;

    /// <summary>
    /// Returns the numbers of messages and images deleted, or nil when the owner has no such conversation or, with
    /// ARGV[3] (ms), when its last activity is not before that (a message arrived since the caller chose it).
    /// </summary>
    public const string Delete = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return nil end
        if ARGV[3] and tonumber(redis.call('HGET', KEYS[1], 'updated_ms') or '0') >= tonumber(ARGV[3]) then return nil end
        local counts = { redis.call('HLEN', KEYS[3]), redis.call('HLEN', KEYS[4]) }
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        redis.call('ZREM', KEYS[5], ARGV[2])
        return counts
        """;

    /// <summary>
    /// Takes conversations that expired out of an owner index (KEYS[1]); ARGV[1] is the conversation key prefix, the rest
    /// are ids found missing a moment ago. Each is removed only if its hash is still missing when the script runs.
    /// </summary>
    public const string Prune = """
        for i = 2, #ARGV do
          if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then redis.call('ZREM', KEYS[1], ARGV[i]) end
        end
        return 1
        """;

    public const string Scan = """
        local cursor = '0'
        local found = {}
        repeat
          local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
          cursor = page[1]
          for _, key in ipairs(page[2]) do table.insert(found, key) end
        until cursor == '0'
        return found
        """;

    /// <summary>KEYS[5] is the owner index prefix (the owner is read here). ARGV: message id, message json, created ms, created text, ttl ms, max messages, conversation id.</summary>
    public const string AddMessage = """
        local owner = redis.call('HGET', KEYS[1], 'owner')
        if not owner then return 0 end
        redis.call('RPUSH', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        local max = tonumber(ARGV[6])
        while redis.call('LLEN', KEYS[2]) > max do
          redis.call('HDEL', KEYS[3], redis.call('LPOP', KEYS[2]))
        end
        local created = tonumber(ARGV[3])
        if created > tonumber(redis.call('HGET', KEYS[1], 'updated_ms') or '0') then
          redis.call('HSET', KEYS[1], 'updated', ARGV[4], 'updated_ms', ARGV[3])
          redis.call('ZADD', KEYS[5] .. owner, created, ARGV[7])
        end
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
        redis.call('PEXPIRE', KEYS[5] .. owner, ARGV[5])
        return 1
        """;

    /// <summary>
    /// Replaces a message only if it is still there (it may have been trimmed meanwhile) and, when ARGV[4] is given, only
    /// if it still holds exactly that json (a change computed from a read). 1 written, 0 gone, -1 changed since read.
    /// </summary>
    public const string UpdateMessage = """
        local current = redis.call('HGET', KEYS[3], ARGV[1])
        if not current then return 0 end
        if ARGV[4] and current ~= ARGV[4] then return -1 end
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
        return 1
        """;

    public const string SaveImage = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
        return 1
        """;
}

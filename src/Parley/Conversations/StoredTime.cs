namespace Parley.Conversations;

/// <summary>Times as stores keep them (milliseconds), so what an API answers equals what it answers later.</summary>
public static class StoredTime
{
    public static DateTimeOffset UtcNowStored(this TimeProvider time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
}

namespace Parley.Sharing;

/// <summary>
/// A read-only snapshot of one branch of a conversation, reachable by anyone holding <see cref="Token"/> (an unguessable
/// capability, 32 random bytes). <see cref="Snapshot"/> is the JSON of what was shared, frozen when the link was made.
/// </summary>
public sealed record ShareLink(string Token, string Owner, string ConversationId, string? LeafId, string Title, string Snapshot, DateTimeOffset CreatedAt)
{
    public static string NewToken() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

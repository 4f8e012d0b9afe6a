namespace Parley.Bots;

/// <summary>A platform message, reduced to what Parley needs: who, which thread, what, and where the answer goes.</summary>
public sealed record BotMessage(string UserId, string? ThreadId, string Text, string ReplyTo);

/// <summary>An answer waiting in the outbox: a POST of <see cref="Payload"/> to <see cref="Url"/>.</summary>
public sealed record BotDelivery(string Url, string Payload, string? BearerToken);

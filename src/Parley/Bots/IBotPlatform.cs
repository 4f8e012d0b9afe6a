using System.Text.Json;

namespace Parley.Bots;

/// <summary>One chat platform's wire format. A new platform (Slack, Telegram, ...) is one more small adapter.</summary>
public interface IBotPlatform
{
    string Name { get; }

    /// <summary>Reads a webhook body; throws a <c>ParleyException</c> naming what is missing or wrong.</summary>
    BotMessage Parse(JsonElement body, BotOptions bot);

    /// <summary>What the webhook answers at once, before the answer exists.</summary>
    object Acknowledge(BotMessage message, string threadId);

    /// <summary>The request that delivers <paramref name="answer"/> to the platform.</summary>
    BotDelivery Deliver(BotOptions bot, BotMessage message, string threadId, string answer);
}

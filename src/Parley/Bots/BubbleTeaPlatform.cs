using System.Text.Json;
using Parley.Errors;

namespace Parley.Bots;

/// <summary>
/// Seed 000's BubbleTea flow: <c>{message, user_uuid, thread_id, conversation_uuid}</c> in, an acknowledgement
/// at once, then <c>{"sender": "agent", "content": {markdown component}}</c> POSTed to
/// <c>{api}/v1/developer/conversation/{conversation_uuid}/message</c> with the bot's Bearer key.
/// </summary>
public sealed class BubbleTeaPlatform : IBotPlatform
{
    public string Name => BotPlatforms.BubbleTea;

    public BotMessage Parse(JsonElement body, BotOptions bot)
    {
        var message = Required(body, "message");
        var user = Required(body, "user_uuid");
        var conversation = Required(body, "conversation_uuid");
        CallbackPath.Segment(conversation, "conversation_uuid");
        return new BotMessage(user, Optional(body, "thread_id"), message, conversation);
    }

    public object Acknowledge(BotMessage message, string threadId) =>
        new { status = "accepted", thread_id = threadId, message = "Thinking…" };

    public BotDelivery Deliver(BotOptions bot, BotMessage message, string threadId, string answer)
    {
        var url = $"{bot.ApiUrl.TrimEnd('/')}/v1/developer/conversation/{CallbackPath.Segment(message.ReplyTo, "conversation_uuid")}/message";
        var payload = JsonSerializer.Serialize(new { sender = "agent", content = new { type = "markdown", content = answer } });
        return new BotDelivery(url, payload, bot.ApiKey);
    }

    internal static string Required(JsonElement body, string name) =>
        Optional(body, name) ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"The webhook body needs a non-empty string '{name}'.");

    internal static string? Optional(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;
}

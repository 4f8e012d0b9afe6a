using System.Text.Json;
using Parley.Errors;

namespace Parley.Bots;

/// <summary>
/// A plain JSON webhook for any platform: <c>{user_id, thread_id?, message, callback_url?}</c> in,
/// <c>{thread_id, user_id, reply}</c> POSTed to the callback URL (or the bot's <c>CallbackUrl</c>).
/// </summary>
public sealed class GenericWebhookPlatform : IBotPlatform
{
    public string Name => BotPlatforms.Webhook;

    public BotMessage Parse(JsonElement body, BotOptions bot)
    {
        var callback = BubbleTeaPlatform.Optional(body, "callback_url") ?? bot.CallbackUrl
            ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400, "The webhook body needs 'callback_url' (or configure the bot's CallbackUrl).");
        if (!Uri.TryCreate(callback, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'callback_url' must be an absolute http(s) URL.");
        return new BotMessage(
            BubbleTeaPlatform.Required(body, "user_id"), BubbleTeaPlatform.Optional(body, "thread_id"), BubbleTeaPlatform.Required(body, "message"), callback);
    }

    public object Acknowledge(BotMessage message, string threadId) => new { status = "accepted", thread_id = threadId };

    public BotDelivery Deliver(BotOptions bot, BotMessage message, string threadId, string answer) =>
        new(message.ReplyTo, JsonSerializer.Serialize(new { thread_id = threadId, user_id = message.UserId, reply = answer }), bot.ApiKey);
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Storage;

namespace Parley.Bots;

/// <summary>
/// The generic bot surface: <c>POST /bots/{name}/webhook</c> (acknowledge now, answer later) for every bot. BubbleTea's own
/// contract (<c>/chat</c>, <c>/config</c>) is <see cref="BubbleTeaApi"/>.
/// </summary>
public static class BotsApi
{
    public static RouteGroupBuilder MapBotsApi(this IEndpointRouteBuilder app)
    {
        // Platforms call these; each request is checked by the bot's webhook signature, not a Parley sign-in.
        var group = app.MapGroup("/bots").WithTags("Bots").AllowAnonymous();
        group.MapPost("/{name}/webhook", Webhook).Accepts<JsonElement>("application/json");
        return group;
    }

    public static async Task<Accepted<object>> Webhook(
        HttpContext context, string name, IOptions<BotsOptions> options, BotPlatformRegistry platforms,
        IBotStore bots, IConversationStore conversations, BotSignals signals, TimeProvider time)
    {
        var bot = Find(options.Value, name);
        var buffer = await ReadSignedBodyAsync(context, bot);

        JsonElement body;
        try
        {
            body = JsonDocument.Parse(buffer).RootElement;
        }
        catch (JsonException)
        {
            throw new ParleyException(ErrorCodes.InvalidJson, 400, "The webhook body is not valid JSON.");
        }

        var platform = platforms.Get(bot.Platform);
        var message = platform.Parse(body, bot);
        var threadId = message.ThreadId ?? Ids.New("t");
        var now = time.UtcNowStored();
        var conversationId = await BotThreads.EnsureConversationAsync(bots, conversations, name, bot, message.UserId, threadId, now, context.RequestAborted);

        await bots.AddInboxAsync(new BotInboxItem(Ids.New("in"), name, message.UserId, threadId, conversationId, message.Text, message.ReplyTo, now),
            context.RequestAborted);
        signals.MessageArrived();
        return TypedResults.Accepted((string?)null, platform.Acknowledge(message, threadId));
    }

    /// <summary>The raw body, after checking its signature when the bot has a WebhookSecret.</summary>
    internal static async Task<byte[]> ReadSignedBodyAsync(HttpContext context, BotOptions bot)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var raw = buffer.ToArray();
        if (bot.WebhookSecret is { Length: > 0 } secret && !WebhookSignature.IsValid(secret, raw, context.Request.Headers[WebhookSignature.Header]))
            throw new ParleyException(ErrorCodes.InvalidSignature, 401, $"The {WebhookSignature.Header} header is missing or does not match the body.");
        return raw;
    }

    internal static BotOptions Find(BotsOptions options, string name) =>
        options.Bots.GetValueOrDefault(name)
        ?? throw new ParleyException(ErrorCodes.InvalidRequest, 404, $"There is no bot named '{name}'.");
}

/// <summary>Bot users own their conversations under a name no web user can have.</summary>
public static class BotOwners
{
    public static string Of(string bot, string userId) => $"bot:{bot}:{userId}";
}

/// <summary>The configured platforms by name.</summary>
public sealed class BotPlatformRegistry(IEnumerable<IBotPlatform> platforms)
{
    private readonly Dictionary<string, IBotPlatform> _byName = platforms.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public IBotPlatform Get(string name) => _byName.GetValueOrDefault(name)
        ?? throw new ParleyException(ErrorCodes.Internal, 500, $"Unknown bot platform '{name}'. Use {string.Join(" or ", _byName.Keys)}.");
}

/// <summary>Wakes the bot worker when there is new work instead of waiting for its next poll.</summary>
public sealed class BotSignals : IDisposable
{
    private readonly SemaphoreSlim _messages = new(0, 1);
    private readonly SemaphoreSlim _deliveries = new(0, 1);

    public void MessageArrived() => Release(_messages);

    public void AnswerQueued() => Release(_deliveries);

    public Task<bool> WaitForMessageAsync(TimeSpan timeout, CancellationToken cancellationToken) => _messages.WaitAsync(timeout, cancellationToken);

    public Task<bool> WaitForAnswerAsync(TimeSpan timeout, CancellationToken cancellationToken) => _deliveries.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _messages.Dispose();
        _deliveries.Dispose();
    }

    private static void Release(SemaphoreSlim signal)
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; the worker will see everything on its next pass.
        }
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Limits;
using Parley.Storage;
using Parley.Streaming;

namespace Parley.Bots;

/// <summary>
/// The contract BubbleTea calls a bot with (bubbletea-chat 0.6): <c>POST /chat</c> with a <see cref="BubbleTeaChatRequest"/>
/// and <c>GET /config</c> returning the <see cref="BubbleTeaBotConfig"/>. Every BubbleTea bot has both under its own prefix,
/// <c>/bots/{name}/chat</c> and <c>/bots/{name}/config</c>; the root bot (<see cref="BotsOptions.RootBot"/>) also at the root.
/// A non-streaming bot with an API key acknowledges at once and POSTs the answer to the platform's conversation (seed 000's
/// flow, through the outbox); without a <c>conversation_uuid</c> to post to it answers in the response; a streaming bot
/// streams the answer as components.
/// </summary>
public static partial class BubbleTeaApi
{
    private static readonly JsonSerializerOptions RequestJson = new() { MaxDepth = 32 };

    public static IEndpointRouteBuilder MapBubbleTeaApi(this IEndpointRouteBuilder app)
    {
        // BubbleTea calls these; a bot with a WebhookSecret checks the body's signature instead of a Parley sign-in.
        var bots = app.MapGroup("/bots").WithTags("Bots").AllowAnonymous();
        bots.MapPost("/{name}/chat", Chat).Accepts<BubbleTeaChatRequest>("application/json").Produces<BubbleTeaChatResponse>();
        bots.MapGet("/{name}/config", Config);
        var root = app.MapGroup("").WithTags("Bots").AllowAnonymous();
        root.MapPost("/chat", RootChat).Accepts<BubbleTeaChatRequest>("application/json").Produces<BubbleTeaChatResponse>();
        root.MapGet("/config", RootConfig);
        return app;
    }

    public static Task RootChat(HttpContext context, IOptions<BotsOptions> options, BotChatServices services) =>
        Chat(context, RootBotName(options.Value), options, services);

    public static IResult RootConfig(HttpContext context, IOptions<BotsOptions> options) =>
        Config(context, RootBotName(options.Value), options);

    public static IResult Config(HttpContext context, string name, IOptions<BotsOptions> options)
    {
        var bot = FindBubbleTea(options.Value, name);
        var request = context.Request;
        var prefix = string.Equals(request.Path.Value, "/config", StringComparison.Ordinal) ? "" : $"/bots/{name}";
        var url = bot.Url ?? $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}";
        return TypedResults.Ok(BubbleTeaBotConfig.For(name, bot, url));
    }

    public static async Task Chat(HttpContext context, string name, IOptions<BotsOptions> options, BotChatServices services)
    {
        var bot = FindBubbleTea(options.Value, name);
        var raw = await BotsApi.ReadSignedBodyAsync(context, bot);
        var request = Parse(raw);
        var userId = request.UserUuid ?? request.UserEmail ?? "anonymous";
        var threadId = request.ThreadId ?? request.ConversationUuid ?? Ids.New("t");
        var images = await ImagesAsync(request, services.Images, context.RequestAborted);
        var now = services.Time.UtcNowStored();
        var cancellationToken = context.RequestAborted;

        if (!bot.IsStreaming && request.ConversationUuid is { } platformConversation && bot.ApiKey is { Length: > 0 })
        {
            if (images.Count > 0)
                throw Invalid("'images': this bot answers through the platform's API, which takes text; send the images to a streaming bot or describe them in 'message'.");
            var conversationId = await BotThreads.EnsureConversationAsync(services.Bots, services.Conversations, name, bot, userId, threadId, now, cancellationToken);
            await services.Bots.AddInboxAsync(new BotInboxItem(Ids.New("in"), name, userId, threadId, conversationId, request.Message!, platformConversation, now), cancellationToken);
            services.Signals.MessageArrived();
            await context.Response.WriteAsJsonAsync(new BubbleTeaChatResponse([BubbleTeaComponent.Text(bot.Acknowledgement)]), cancellationToken);
            return;
        }

        var owner = BotOwners.Of(name, userId);
        var caller = new Usage.Caller(owner, "bot");
        if (await services.Limiter.TryStartAsync(owner) is { } refused)
            throw refused;
        var conversation = await BotThreads.EnsureConversationAsync(services.Bots, services.Conversations, name, bot, userId, threadId, now, cancellationToken);
        var prepared = await services.Engine.PrepareSendAsync(caller, conversation, new SendMessage(request.Message!, images, null, false, bot.Model), cancellationToken);
        if (bot.IsStreaming)
        {
            await StreamAsync(context, services.Engine.StreamAsync(prepared, cancellationToken), cancellationToken);
            return;
        }
        var answer = await BotReplies.CollectAsync(services.Engine.StreamAsync(prepared, cancellationToken));
        await context.Response.WriteAsJsonAsync(new BubbleTeaChatResponse([BubbleTeaComponent.Markdown(answer)]), cancellationToken);
    }

    private static async Task StreamAsync(HttpContext context, IAsyncEnumerable<ChatEvent> events, CancellationToken cancellationToken)
    {
        using var sse = SseWriter.Begin(context);
        await foreach (var chatEvent in events)
        {
            switch (chatEvent)
            {
                case TextDelta delta when delta.Text.Length > 0:
                    await sse.WriteAsync(json => Component(json, "markdown", delta.Text), cancellationToken);
                    break;
                case ReplyFailed failed:
                    await sse.WriteAsync(json =>
                    {
                        json.WriteStartObject();
                        json.WriteString("type", "error");
                        json.WriteString("title", "Sorry, I could not answer.");
                        json.WriteString("description", failed.Message);
                        json.WriteString("code", failed.Code);
                        json.WriteEndObject();
                    }, cancellationToken);
                    break;
            }
        }
        await sse.WriteAsync(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", "done");
            json.WriteEndObject();
        }, cancellationToken);
    }

    private static void Component(Utf8JsonWriter json, string type, string content)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("content", content);
        json.WriteEndObject();
    }

    private static BubbleTeaChatRequest Parse(byte[] raw)
    {
        BubbleTeaChatRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<BubbleTeaChatRequest>(raw, RequestJson);
        }
        catch (JsonException ex)
        {
            throw new ParleyException(ErrorCodes.InvalidJson, 400,
                ex.Path is { Length: > 1 } path ? $"The request's '{path[2..]}' has the wrong type." : "The request body is not valid JSON.");
        }
        if (request is null)
            throw Invalid("The request body must be a JSON object such as {\"type\": \"user\", \"message\": \"Hello\"}.");
        if (request.Type != "user")
            throw Invalid($"'type' must be \"user\", not {(request.Type is null ? "missing" : $"\"{request.Type}\"")}.");
        if (string.IsNullOrWhiteSpace(request.Message))
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "'message' is missing or empty; send the user's text.");
        // conversation_uuid becomes a path segment of the platform URL the answer is POSTed to: nothing but an id may pass.
        if (request.ConversationUuid is { } conversation && !PathSafeId().IsMatch(conversation))
            throw Invalid("'conversation_uuid' must be an id of letters, digits, '-' and '_' (at most 128).");
        foreach (var (field, value) in new[] { ("user_uuid", request.UserUuid), ("user_email", request.UserEmail), ("thread_id", request.ThreadId) })
        {
            if (value is { Length: > 256 } || (value is not null && value.Any(char.IsControl)))
                throw Invalid($"'{field}' must be at most 256 printable characters.");
        }
        return request;
    }

    private static async Task<List<string>> ImagesAsync(BubbleTeaChatRequest request, BotImageFetcher fetcher, CancellationToken cancellationToken)
    {
        var images = new List<string>();
        for (var i = 0; i < (request.Images?.Count ?? 0); i++)
        {
            var image = request.Images![i];
            if (image.Base64 is { Length: > 0 } data)
                images.Add(image.MimeType is { Length: > 0 } mime && !data.StartsWith("data:", StringComparison.Ordinal) ? $"data:{mime};base64,{data}" : data);
            else if (image.Url is { Length: > 0 } url)
                images.Add(await fetcher.FetchAsync(url, $"images[{i}].url", cancellationToken));
            else
                throw Invalid($"images[{i}] needs 'base64' (with 'mime_type') or 'url'.");
        }
        return images;
    }

    private static BotOptions FindBubbleTea(BotsOptions options, string name)
    {
        var bot = BotsApi.Find(options, name);
        return bot.Platform == BotPlatforms.BubbleTea
            ? bot
            : throw new ParleyException(ErrorCodes.InvalidRequest, 404, $"The bot '{name}' speaks the generic webhook; use /bots/{name}/webhook.");
    }

    private static string RootBotName(BotsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.RootBot))
            return options.RootBot;
        if (options.Bots.ContainsKey(BotsOptions.DefaultBotName))
            return BotsOptions.DefaultBotName;
        return options.Bots.Where(b => b.Value.Platform == BotPlatforms.BubbleTea).Select(b => b.Key).ToList() is [var only]
            ? only
            : throw new ParleyException(ErrorCodes.InvalidRequest, 404,
                "No bot answers at /chat: configure BUBBLETEA_API_KEY, one BubbleTea bot, or Parley:Bots:RootBot (each bot also answers at /bots/{name}/chat).");
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex PathSafeId();
}

/// <summary>What a BubbleTea <c>/chat</c> call uses (one parameter, so the handler's signature stays readable).</summary>
public sealed class BotChatServices(
    IBotStore bots, IConversationStore conversations, ConversationEngine engine, BotSignals signals, IUserLimiter limiter, TimeProvider time,
    BotImageFetcher images)
{
    public BotImageFetcher Images => images;

    public IBotStore Bots => bots;

    public IConversationStore Conversations => conversations;

    public ConversationEngine Engine => engine;

    public BotSignals Signals => signals;

    public IUserLimiter Limiter => limiter;

    public TimeProvider Time => time;
}

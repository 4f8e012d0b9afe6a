using Parley.Limits;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Api.OpenAI;
using Parley.Chat;
using Parley.Configuration;
using Parley.Conversations;
using Parley.Errors;
using Parley.Streaming;
using Parley.Tools;

namespace Parley.Api.Chat;

/// <summary>
/// Seed 002's stateless streaming API: the client sends its context, gets the reply as
/// <c>text</c>/<c>tool_start</c>/<c>tool_end</c> events and the updated context as <c>context_update</c>.
/// </summary>
public static class ChatApi
{
    /// <summary>Maps <c>POST /api/chat</c>, and the same handler at seed 002's <c>{API_V1}/chat</c> (default <c>/api/v1/chat</c>).</summary>
    public static RouteHandlerBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var prefix = app.ServiceProvider.GetRequiredService<IOptions<ParleyOptions>>().Value.ApiV1.TrimEnd('/');
        if (prefix.Length > 0 && prefix != "/api")
            Describe(app.MapPost($"{prefix}/chat", Chat));
        return Describe(app.MapPost("/api/chat", Chat));
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder route) =>
        route.WithTags("Stateless chat")
            .Accepts<StatelessChatSchema.Request>("application/json")
            .Produces<StatelessChatSchema.StreamEvent>(200, "text/event-stream")
            .WithCallerLimits();

    public static async Task Chat(
        HttpContext context, TurnFactory turns, ToolCatalog tools, ChatRunner runner, IOptions<ParleyOptions> options,
        Documents.FileParts files)
    {
        // Read here rather than bound, so the OpenAPI document shows StatelessChatSchema.Request (Accepts) as the body.
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, cancellationToken: context.RequestAborted);
        var caller = Callers.Of(context, "chat");
        var parley = options.Value;
        var request = StatelessChatRequest.Parse(body, parley);
        var chosenTools = request.Tools is null ? null : tools.RequireKnown(request.Tools);
        var history = ContextWindow.Fit(request.Context, parley.MaxHistoryMessages, int.MaxValue);
        List<ChatMessage> userMessages = [new(ChatRole.User, [new TextContent(request.Message), .. request.Images, .. request.Files])];
        // Documents become text in the user message, so the context_update carries them into the next turn.
        await files.ExpandAsync(userMessages, context.RequestAborted);
        var user = userMessages[0];
        var model = turns.ResolveModel(request.Model, caller, VisionRouting.HasImages([.. history, user]));
        var turn = turns.Create(model, caller, request.SystemPrompt, [.. history, user], new TurnSettings(request.Temperature, request.MaxTokens, Tools: chosenTools));
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);

        var cancellationToken = context.RequestAborted;
        using var sse = SseWriter.Begin(context);
        var reply = new ReplyAccumulator();
        await foreach (var chatEvent in runner.StreamAsync(turn, cancellationToken))
        {
            reply.Add(chatEvent);
            if (StatelessEvents.Write(chatEvent) is { } write)
                await sse.WriteAsync(write, cancellationToken);
        }

        if (reply.Failure is null)
        {
            var replyMessages = ContextBuilder.Unfold(new StoredMessage
            {
                Id = "", ConversationId = "", Role = MessageRoles.Assistant, Parts = reply.Parts,
            });
            var updated = ContextWindow.Fit([.. history, user, .. replyMessages], parley.MaxHistoryMessages, int.MaxValue);
            await sse.WriteAsync(w => StatelessEvents.ContextUpdate(w, updated), cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);
    }
}

/// <summary>
/// The body of <c>POST /api/chat</c>; <c>system_prompt</c> and <c>systemPrompt</c> are both accepted. <c>tools</c>
/// (optional) names the tools to offer; absent or null means the server's defaults, <c>[]</c> none.
/// </summary>
public sealed record StatelessChatRequest(
    string Message, string? SystemPrompt, string? Model, List<ChatMessage> Context, List<AIContent> Images, double? Temperature, int? MaxTokens,
    List<string?>? Tools = null)
{
    public static StatelessChatRequest Parse(JsonElement body, ParleyOptions options)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "The body must be a JSON object with a 'message'.");
        RequestJson.RequireValidText(body);
        var message = OpenAIMessages.StringProperty(body, "message") ?? "";
        if (body.TryGetProperty("images", out var sent) && sent.ValueKind == JsonValueKind.Array && sent.GetArrayLength() > options.MaxImagesPerMessage)
            throw new ParleyException(ErrorCodes.InvalidImage, 400, $"'images' has {sent.GetArrayLength()} images; at most {options.MaxImagesPerMessage} are allowed on one message.");
        var images = body.TryGetProperty("images", out var i) && i.ValueKind == JsonValueKind.Array
            ? i.EnumerateArray().Select((e, n) => OpenAIMessages.Image(
                e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ParleyException(ErrorCodes.InvalidImage, 400, $"'images[{n}]' must be a string (a data URL, base64 or an http(s) URL)."),
                options.MaxImageBytes)).ToList()
            : [];
        var files = body.TryGetProperty("files", out var fs) && fs.ValueKind == JsonValueKind.Array
            ? fs.EnumerateArray().Select((f, n) => OpenAIMessages.ReadFile(f, $"files[{n}]")).ToList()
            : [];
        if (string.IsNullOrWhiteSpace(message) && images.Count == 0 && files.Count == 0)
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "The message is empty. Send a non-empty 'message'.");
        if (message.Length > options.MaxMessageChars)
            throw new ParleyException(ErrorCodes.InvalidRequest, 413, $"The message is longer than {options.MaxMessageChars:N0} characters.");

        var context = new List<ChatMessage>();
        if (body.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("messages", out var messages))
            context = OpenAIMessages.Read(messages, options.MaxImageBytes, maxImagesPerMessage: options.MaxImagesPerMessage).Where(m => m.Role != ChatRole.System).ToList();
        else if (c.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'context' must be the object from the last context_update, e.g. {\"messages\": [...]}.");

        List<string?>? tools = null;
        if (body.TryGetProperty("tools", out var toolNames) && toolNames.ValueKind != JsonValueKind.Null)
        {
            if (toolNames.ValueKind != JsonValueKind.Array || toolNames.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'tools' must be an array of tool names (see GET /api/tools), [] for none, or null.");
            tools = [.. toolNames.EnumerateArray().Select(e => e.GetString())];
        }

        return new StatelessChatRequest(
            message,
            OpenAIMessages.StringProperty(body, "system_prompt") ?? OpenAIMessages.StringProperty(body, "systemPrompt"),
            OpenAIMessages.StringProperty(body, "model"),
            context,
            images,
            RequestJson.Number(body, "temperature", 0, 2),
            (int?)RequestJson.WholeNumber(body, "max_tokens", 1, int.MaxValue),
            tools) { Files = files };
    }

    /// <summary>Documents sent with the message: <c>files: [{"filename", "file_data"}]</c>, as OpenAI's file part.</summary>
    public List<Documents.PendingFileContent> Files { get; init; } = [];
}

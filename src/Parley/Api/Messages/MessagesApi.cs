using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Limits;
using Parley.Providers;
using Parley.Streaming;

namespace Parley.Api.Messages;

/// <summary>
/// Anthropic's Messages API at <c>/v1/messages</c>, so Anthropic's SDKs and the agents built on them work unchanged
/// (base URL = Parley's root). Like <c>/v1/chat/completions</c> it is a pass-through over the engine: the client's
/// messages and tools go to the chosen model (any provider), tool calls come back as <c>tool_use</c> blocks. Keys come as
/// <c>x-api-key</c> or <c>Authorization: Bearer</c>; <c>anthropic-version</c>/<c>anthropic-beta</c> and unknown query
/// parameters (<c>?beta=true</c>) are accepted; errors use Anthropic's shape and status codes.
/// </summary>
public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/messages").WithTags("Anthropic Messages");
        group.MapPost("", CreateMessage)
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .WithCallerLimits();
        group.MapPost("/count_tokens", CountTokens).Accepts<JsonElement>("application/json");
        return group;
    }

    /// <summary>
    /// Relays the body to an Anthropic model (only <c>model</c> rewritten, the upstream's bytes written back as they come);
    /// translates it for any other provider, refusing with a 400 what has no translation.
    /// </summary>
    public static async Task CreateMessage(
        HttpContext context, ChatRunner runner, TurnFactory turns, ModelCatalog catalog, IOptions<ParleyOptions> options, Documents.FileParts files)
    {
        var caller = Callers.Of(context, "messages");
        var body = await OpenAI.RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        using var document = OpenAI.RequestBodies.Parse(body);
        var request = MessagesRequest.Parse(document.RootElement, options.Value.MaxImageBytes, countTokens: false);
        await files.ExpandAsync(request.Messages, context.RequestAborted);
        var model = turns.ResolveModel(request.Model, caller, VisionRouting.HasImages(request.Messages));
        var relayed = model.Kind == ProviderKinds.Anthropic && catalog.Providers.GetValueOrDefault(model.Provider)?.Relay != false;
        if (!relayed)
        {
            EnsureSupported(request, model);
            TranslationLimits.Enforce(context, model, catalog.Providers.GetValueOrDefault(model.Provider), request.OpenAIOnly);
        }
        var turn = new ChatTurn(model, request.Messages, request.Options, caller);
        new Relay.RelayRequest(Providers.Anthropic.AnthropicMessagesRelay.Instance, body, request.Stream).AttachTo(turn.Options);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        var id = $"msg_{Guid.NewGuid():N}";

        if (!request.Stream)
        {
            var response = await runner.CompleteAsync(turn, context.RequestAborted);
            if ((Relay.RelayPayload.Of(response.RawRepresentation, streamed: false) ?? response.Messages.Select(m => Relay.RelayPayload.Of(m.RawRepresentation, streamed: false)).FirstOrDefault(b => b is not null)) is { } raw)
            {
                context.Response.ContentType = "application/json";
                await context.Response.BodyWriter.WriteAsync(raw, context.RequestAborted);
                return;
            }
            var answeredBy = response.AnsweredBy() ?? model.Id;
            await context.Response.WriteAsJsonAsync(AnthropicMessageJson.Message(response, id, answeredBy), context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        var writer = new MessagesEventWriter(sse, id, model.Id, EstimateInputTokens(request), context.RequestAborted);
        await foreach (var chatEvent in runner.StreamAsync(turn, context.RequestAborted))
            await writer.WriteAsync(chatEvent);
        await writer.FinishAsync();
    }

    /// <summary><c>{"input_tokens": N}</c>: an estimate (about four characters a token), for the model the request names.</summary>
    public static async Task<IResult> CountTokens(HttpContext context, JsonElement body, TurnFactory turns, IOptions<ParleyOptions> options, Documents.FileParts files)
    {
        var caller = Callers.Of(context, "messages");
        var request = MessagesRequest.Parse(body, options.Value.MaxImageBytes, countTokens: true);
        await files.ExpandAsync(request.Messages, context.RequestAborted);
        turns.ResolveModel(request.Model, caller, VisionRouting.HasImages(request.Messages));
        return Results.Json(new { input_tokens = EstimateInputTokens(request) });
    }

    private static int EstimateInputTokens(MessagesRequest request) =>
        request.Messages.Sum(ContextWindow.EstimateTokens)
        + (request.Options.Tools ?? []).OfType<AIFunctionDeclaration>().Sum(t => (t.Name.Length + t.Description.Length + t.JsonSchema.GetRawText().Length + 3) / 4 + 8);

    /// <summary>A parameter the chosen provider cannot honour is refused, not dropped.</summary>
    private static void EnsureSupported(MessagesRequest request, ModelEntry model)
    {
        if (request.Unknown.Count > 0)
            throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400,
                $"{string.Join(", ", request.Unknown.Select(u => $"'{u}'"))}: not supported by {model.Id}; only an Anthropic provider receives these as sent. Remove them or pick an Anthropic model.");
        if (request.TopKRequested && model.Kind == ProviderKinds.OpenAI)
            throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400,
                $"'top_k' is not supported by {model.Id}: OpenAI-compatible chat completions have no top-k sampling. Remove it or pick another model.");
    }
}

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

namespace Parley.Api.OpenAI;

/// <summary>
/// The OpenAI-compatible surface: any OpenAI client works against <c>/v1</c> unchanged. It is a
/// pass-through: the client's messages and tools go to the model as sent (no trimming, no Parley tools); only the
/// model can change, to <c>VISION_MODEL</c> when the messages hold images the chosen model cannot see. To an
/// OpenAI-compatible provider the body is relayed byte for byte (see <see cref="Relay.RelayChatClient"/>).
/// </summary>
public static class OpenAIApi
{
    public static RouteGroupBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("OpenAI-compatible");
        group.MapPost("/chat/completions", ChatCompletions)
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .Produces(429)
            .WithCallerLimits();
        return group;
    }

    /// <summary>
    /// Relays the body to an OpenAI-compatible model (only <c>model</c> rewritten, the upstream's bytes written back as they
    /// come); translates it for any other provider, refusing with a 400 what has no translation (or dropping it, listed
    /// in <c>x-parley-dropped-params</c>, when the provider's <c>DropUnsupportedParams</c> is on).
    /// </summary>
    public static async Task ChatCompletions(
        HttpContext context, ChatRunner runner, TurnFactory turns, ModelCatalog catalog, IOptions<ParleyOptions> options, Documents.FileParts files)
    {
        var caller = Callers.Of(context, "v1");
        var body = await RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        using var document = RequestBodies.Parse(body);
        var request = OpenAIChatRequest.Parse(document.RootElement, options.Value.MaxImageBytes, options.Value.MaxImagesPerMessage);
        await files.ExpandAsync(request.Messages, context.RequestAborted);
        var model = turns.ResolveModel(request.Model, caller, VisionRouting.HasImages(request.Messages));
        var provider = catalog.Providers.GetValueOrDefault(model.Provider);
        var relayed = model.Kind == ProviderKinds.OpenAI && provider?.Relay != false;
        if (!relayed && request.Untranslated.Count > 0)
        {
            if (provider?.DropUnsupportedParams != true)
            {
                throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400,
                    $"{model.Id} cannot take {string.Join(", ", request.Untranslated)}: only an OpenAI-compatible provider receives these as sent. " +
                    "Remove them, pick an OpenAI-compatible model, or let the operator set DropUnsupportedParams on this provider.");
            }
            context.Response.Headers[DroppedParamsHeader] = string.Join(", ", request.Untranslated);
        }
        if (!relayed)
            TranslationLimits.Enforce(context, model, provider, request.OpenAIOnly);

        var turn = new ChatTurn(model, request.Messages, request.Options, caller);
        new Relay.RelayRequest(Providers.OpenAI.OpenAIChatRelay.Instance, body, request.Stream).AttachTo(turn.Options);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (!request.Stream)
        {
            var responses = new List<ChatResponse>(request.Choices);
            for (var i = 0; i < (relayed ? 1 : request.Choices); i++)
                responses.Add(await runner.CompleteAsync(turn, context.RequestAborted));
            if (responses is [{ } single] && RelayedBytes(single) is { } raw)
            {
                context.Response.ContentType = "application/json";
                await context.Response.BodyWriter.WriteAsync(raw, context.RequestAborted);
                return;
            }
            var answeredBy = responses[0].AnsweredBy() ?? model.Id;
            await context.Response.WriteAsJsonAsync(OpenAICompletionJson.Completion(responses, OpenAIChunkWriter.NewCompletionId(), created, answeredBy), context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        var writer = new OpenAIChunkWriter(sse, created, model.Id, request.IncludeUsage, context.RequestAborted);
        for (var i = 0; i < (relayed ? 1 : request.Choices); i++)
        {
            if (i > 0)
                await writer.NextChoiceAsync();
            await foreach (var chatEvent in runner.StreamAsync(turn, context.RequestAborted))
                await writer.WriteAsync(chatEvent);
        }
        await writer.FinishAsync();
    }

    /// <summary>The header listing what a translation dropped because the operator allowed it.</summary>
    public const string DroppedParamsHeader = TranslationLimits.DroppedParamsHeader;

    /// <summary>The upstream's body of a relayed reply (also when it was replayed from the cache).</summary>
    private static ReadOnlyMemory<byte>? RelayedBytes(ChatResponse response) =>
        Relay.RelayPayload.Of(response.RawRepresentation, streamed: false)
        ?? Relay.RelayPayload.Of(response.AdditionalProperties?.GetValueOrDefault(Relay.RelayPayload.PropertyKey), streamed: false)
        ?? response.Messages.Select(m => Relay.RelayPayload.Of(m.RawRepresentation, streamed: false)).FirstOrDefault(b => b is not null);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Errors;
using Parley.Limits;
using Parley.Providers;
using Parley.Responses;
using Parley.Streaming;

namespace Parley.Api.Responses;

/// <summary>
/// OpenAI's Responses API at <c>/v1/responses</c>, translated over the engine so it works with every provider: the
/// client's input and function tools go to the chosen model, function calls come back as <c>function_call</c> items.
/// Stored responses (unless <c>store: false</c>) belong to the caller and continue with <c>previous_response_id</c>.
/// </summary>
public static class ResponsesApi
{
    public static RouteGroupBuilder MapResponsesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/responses").WithTags("OpenAI Responses");
        group.MapPost("", CreateResponse)
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .WithCallerLimits();
        group.MapGet("/{id}", GetResponse);
        group.MapDelete("/{id}", DeleteResponse);
        group.MapGet("/{id}/input_items", ListInputItems);
        return group;
    }

    /// <summary>
    /// Relays the body to an OpenAI-compatible provider whose upstream serves the Responses API (<c>ServesResponses</c>; only
    /// <c>model</c> rewritten, the upstream's bytes written back as they come); translates it over the engine otherwise.
    /// </summary>
    public static async Task CreateResponse(
        HttpContext context, ChatRunner runner, TurnFactory turns, ModelCatalog catalog, IResponseStore store, IOptions<ParleyOptions> options,
        Documents.FileParts files, TimeProvider time, ILoggerFactory loggers)
    {
        var caller = Callers.Of(context, "responses");
        var owner = caller.Owner;
        var body = await OpenAI.RequestBodies.ReadAsync(context.Request, context.RequestAborted);
        using var document = OpenAI.RequestBodies.Parse(body);
        var request = ResponsesRequest.Parse(document.RootElement);
        var previous = request.PreviousResponseId is { } previousId
            ? await store.FindAsync(previousId, owner, context.RequestAborted) ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                $"'previous_response_id': no stored response '{previousId}' (it was never stored, was deleted, or belongs to someone else).")
            : null;
        var callIds = new HashSet<string>(
            (previous?.History ?? []).SelectMany(m => m.Contents.OfType<FunctionCallContent>()).Select(c => c.CallId), StringComparer.Ordinal);
        // Input a translation cannot read (other item types) may still be relayed as sent.
        List<ChatMessage> input;
        JsonArray items;
        ParleyException? unreadable = null;
        try
        {
            (input, items) = ResponsesInput.Read(request.Input, callIds, options.Value.MaxImageBytes);
        }
        catch (ParleyException ex) when (ex.Status == 400)
        {
            (input, items, unreadable) = ([], ResponsesRelay.RawItems(request.Input), ex);
        }
        await files.ExpandAsync(input, context.RequestAborted);

        var history = new List<ChatMessage>(previous?.History ?? []);
        history.AddRange(input);
        var messages = new List<ChatMessage>(history.Count + 1);
        if (!string.IsNullOrWhiteSpace(request.Instructions))
            messages.Add(new ChatMessage(ChatRole.System, request.Instructions));
        messages.AddRange(history);

        var model = turns.ResolveModel(request.Model ?? previous?.ModelId, caller, VisionRouting.HasImages(messages));
        var provider = catalog.Providers.GetValueOrDefault(model.Provider);
        var relayed = model.Kind == ProviderKinds.OpenAI && provider is { Relay: true, ServesResponses: true }
            && (previous is null || previous.RelayedBy == model.Provider);
        if (!relayed)
        {
            if (unreadable is not null)
                throw unreadable;
            if (request.Untranslatable.Count > 0)
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, request.Untranslatable[0]);
            TranslationLimits.Enforce(context, model, provider, [.. request.OpenAIOnly, .. OpenAI.OpenAIMessages.ImageDetails(input)]);
        }
        var turn = new ChatTurn(model, messages, request.Options, caller);
        var relay = relayed ? new Relay.RelayRequest(Providers.OpenAI.OpenAIResponsesRelay.Instance, body, request.Stream) : null;
        relay?.AttachTo(turn.Options);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        var draft = new ResponseDraft(ResponsesInput.NewId("resp"), time.GetUtcNow().ToUnixTimeSeconds(), model.Id, request.Echo);
        var saved = new ResponsesRelay.Saved(store, request, owner, items, history, model.Provider, model.Id, time, loggers.CreateLogger(typeof(ResponsesApi)));

        JsonObject response;
        ResponseStream stream;
        if (!request.Stream)
        {
            var reply = await runner.CompleteAsync(turn, context.RequestAborted);
            if (ResponsesRelay.RelayedBody(reply) is { } raw)
            {
                await ResponsesRelay.SaveRelayedAsync(saved, raw, reply);
                context.Response.ContentType = "application/json";
                await context.Response.BodyWriter.WriteAsync(raw, context.RequestAborted);
                return;
            }
            stream = new ResponseStream(draft, sse: null, context.RequestAborted);
            foreach (var content in reply.Messages.SelectMany(m => m.Contents))
            {
                switch (content)
                {
                    case TextReasoningContent { Text.Length: > 0 } reasoning:
                        stream.AddReasoning(reasoning.Text);
                        break;
                    case TextContent { Text.Length: > 0 } text:
                        await stream.WriteAsync(new TextDelta(text.Text));
                        break;
                    case FunctionCallContent call:
                        var arguments = Parley.Tools.ToolContent.ArgumentsJson(call.Arguments);
                        await stream.WriteAsync(new ToolCallStarted(call.CallId, call.Name, arguments, "", ""));
                        break;
                }
            }
            await stream.WriteAsync(new ReplyFinished(reply.FinishReason?.Value, reply.AnsweredBy() ?? model.Id));
            response = await stream.FinishAsync(reply.Usage);
            await SaveAsync(saved, draft, response, stream);
            await context.Response.WriteAsJsonAsync(response, context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        stream = new ResponseStream(draft, sse, context.RequestAborted);
        var relaying = false;
        await foreach (var chatEvent in runner.StreamAsync(turn, context.RequestAborted))
        {
            if (chatEvent is RawDelta rawDelta)
            {
                relaying = true;
                await sse.WriteRawAsync(rawDelta.Bytes, context.RequestAborted);
            }
            else if (!relaying)
            {
                await stream.WriteAsync(chatEvent);
            }
            else if (chatEvent is ReplyFailed failed)
            {
                await ResponsesRelay.WriteErrorAsync(sse, relay, failed, context.RequestAborted);
                return;
            }
        }
        if (context.RequestAborted.IsCancellationRequested)
            return;
        if (relaying)
        {
            await ResponsesRelay.SaveStreamedAsync(saved, relay);
            return;
        }
        await stream.FinishAsync(beforeFinal: final => SaveAsync(saved, draft, final, stream));
    }

    public static async Task<IResult> GetResponse(HttpContext context, string id, IResponseStore store)
    {
        if (context.Request.Query.ContainsKey("stream") && context.Request.Query["stream"] == "true")
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'stream': replaying a stored response as events is not supported; GET it without stream.");
        return Results.Json((await FindAsync(context, id, store)).Response);
    }

    public static async Task<IResult> DeleteResponse(HttpContext context, string id, IResponseStore store)
    {
        if (!await store.DeleteAsync(id, Owners.Of(context), context.RequestAborted))
            throw NotFound(id);
        return Results.Json(new { id, @object = "response.deleted", deleted = true });
    }

    /// <summary>The request's input items (newest first unless <c>order=asc</c>), paged with <c>limit</c> and <c>after</c>.</summary>
    public static async Task<IResult> ListInputItems(
        HttpContext context, string id, IResponseStore store, string? order = null, int? limit = null, string? after = null)
    {
        var stored = await FindAsync(context, id, store);
        if (order is not (null or "asc" or "desc"))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'order' must be 'asc' or 'desc'.");
        if (limit is < 1 or > 100)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'limit' must be between 1 and 100.");
        var items = stored.InputItems.Select(i => i!).ToList();
        if (order != "asc")
            items.Reverse();
        if (after is not null)
        {
            var index = items.FindIndex(i => (string?)i["id"] == after);
            if (index < 0)
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'after': '{after}' is not an item of this response.");
            items = items[(index + 1)..];
        }
        var page = items.Take(limit ?? 20).Select(i => i.DeepClone()).ToList();
        return Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page]),
            ["first_id"] = page.Count > 0 ? page[0]!["id"]?.DeepClone() : null,
            ["last_id"] = page.Count > 0 ? page[^1]!["id"]?.DeepClone() : null,
            ["has_more"] = items.Count > page.Count,
        });
    }

    private static async Task<StoredResponse> FindAsync(HttpContext context, string id, IResponseStore store) =>
        await store.FindAsync(id, Owners.Of(context), context.RequestAborted) ?? throw NotFound(id);

    private static ParleyException NotFound(string id) => new(ErrorCodes.InvalidRequest, 404, $"Response with id '{id}' not found.");

    private static Task SaveAsync(ResponsesRelay.Saved saved, ResponseDraft draft, JsonObject response, ResponseStream stream)
    {
        var continued = new List<ChatMessage>(saved.History);
        if (stream.AssistantContents.Count > 0)
            continued.Add(new ChatMessage(ChatRole.Assistant, stream.AssistantContents));
        return ResponsesRelay.StoreAsync(saved, new StoredResponse(draft.Id, saved.Owner, response, saved.Items, continued, draft.Model, saved.Time.GetUtcNow()));
    }
}

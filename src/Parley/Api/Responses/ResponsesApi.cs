using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Errors;
using Parley.Limits;
using Parley.Providers;
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

    public static async Task CreateResponse(
        HttpContext context, JsonElement body, ChatRunner runner, TurnFactory turns, ModelCatalog catalog, ResponseStore store, IOptions<ParleyOptions> options,
        Documents.FileParts files, TimeProvider time)
    {
        var caller = Callers.Of(context, "responses");
        var owner = caller.Owner;
        var request = ResponsesRequest.Parse(body);
        var previous = request.PreviousResponseId is { } previousId
            ? store.Find(previousId, owner) ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                $"'previous_response_id': no stored response '{previousId}' (it was never stored, was deleted, or belongs to someone else).")
            : null;
        var callIds = new HashSet<string>(
            (previous?.History ?? []).SelectMany(m => m.Contents.OfType<FunctionCallContent>()).Select(c => c.CallId), StringComparer.Ordinal);
        var (input, items) = ResponsesInput.Read(request.Input, callIds, options.Value.MaxImageBytes);
        await files.ExpandAsync(input, context.RequestAborted);

        var history = new List<ChatMessage>(previous?.History ?? []);
        history.AddRange(input);
        var messages = new List<ChatMessage>(history.Count + 1);
        if (!string.IsNullOrWhiteSpace(request.Instructions))
            messages.Add(new ChatMessage(ChatRole.System, request.Instructions));
        messages.AddRange(history);

        var model = turns.ResolveModel(request.Model ?? previous?.ModelId, caller, VisionRouting.HasImages(messages));
        TranslationLimits.Enforce(context, model, catalog.Providers.GetValueOrDefault(model.Provider), [.. request.OpenAIOnly, .. OpenAI.OpenAIMessages.ImageDetails(input)]);
        var turn = new ChatTurn(model, messages, request.Options, caller);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        var draft = new ResponseDraft(ResponsesInput.NewId("resp"), time.GetUtcNow().ToUnixTimeSeconds(), model.Id, request.Echo);

        JsonObject response;
        ResponseStream stream;
        if (!request.Stream)
        {
            stream = new ResponseStream(draft, sse: null, context.RequestAborted);
            var reply = await runner.CompleteAsync(turn, context.RequestAborted);
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
                        var arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>());
                        await stream.WriteAsync(new ToolCallStarted(call.CallId, call.Name, arguments, "", ""));
                        break;
                }
            }
            await stream.WriteAsync(new ReplyFinished(reply.FinishReason?.Value, reply.AnsweredBy() ?? model.Id));
            response = await stream.FinishAsync(reply.Usage);
            Save(store, request, owner, draft, response, items, history, stream, time);
            await context.Response.WriteAsJsonAsync(response, context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        stream = new ResponseStream(draft, sse, context.RequestAborted);
        await foreach (var chatEvent in runner.StreamAsync(turn, context.RequestAborted))
            await stream.WriteAsync(chatEvent);
        if (context.RequestAborted.IsCancellationRequested)
            return;
        response = await stream.FinishAsync();
        Save(store, request, owner, draft, response, items, history, stream, time);
    }

    public static IResult GetResponse(HttpContext context, string id, ResponseStore store)
    {
        if (context.Request.Query.ContainsKey("stream") && context.Request.Query["stream"] == "true")
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'stream': replaying a stored response as events is not supported; GET it without stream.");
        return Results.Json(Find(context, id, store).Response);
    }

    public static IResult DeleteResponse(HttpContext context, string id, ResponseStore store)
    {
        Find(context, id, store);
        store.Delete(id, Owners.Of(context));
        return Results.Json(new { id, @object = "response.deleted", deleted = true });
    }

    /// <summary>The request's input items (newest first unless <c>order=asc</c>), paged with <c>limit</c> and <c>after</c>.</summary>
    public static IResult ListInputItems(HttpContext context, string id, ResponseStore store, string? order = null, int? limit = null, string? after = null)
    {
        var stored = Find(context, id, store);
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

    private static StoredResponse Find(HttpContext context, string id, ResponseStore store) =>
        store.Find(id, Owners.Of(context)) ?? throw new ParleyException(ErrorCodes.InvalidRequest, 404, $"Response with id '{id}' not found.");

    private static void Save(
        ResponseStore store, ResponsesRequest request, string owner, ResponseDraft draft, JsonObject response, JsonArray items,
        List<ChatMessage> history, ResponseStream stream, TimeProvider time)
    {
        if (!request.Store)
            return;
        var continued = new List<ChatMessage>(history);
        if (stream.AssistantContents.Count > 0)
            continued.Add(new ChatMessage(ChatRole.Assistant, stream.AssistantContents));
        store.Save(new StoredResponse(draft.Id, owner, response, items, continued, draft.Model, time.GetUtcNow()));
    }
}

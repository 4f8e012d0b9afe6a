using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Providers.OpenAI;
using Parley.Relay;
using Parley.Responses;
using Parley.Streaming;

namespace Parley.Api.Responses;

/// <summary>
/// The relayed side of <c>/v1/responses</c>: what the upstream answered is stored (its own id, output and usage, owned by
/// the caller) so <c>GET</c>, <c>DELETE</c>, <c>input_items</c> and <c>previous_response_id</c> work as for translated ones,
/// and a failure after the first relayed event ends the stream with an <c>error</c> event numbered after the upstream's.
/// </summary>
internal static partial class ResponsesRelay
{
    /// <summary>What storing a response needs besides the response itself.</summary>
    public sealed record Saved(
        IResponseStore Store, ResponsesRequest Request, string Owner, JsonArray Items, List<ChatMessage> History, string Provider, string ModelId,
        TimeProvider Time, ILogger Log);

    /// <summary>The input items as sent, for <c>input_items</c> when the translation could not read them (the relay carries them).</summary>
    public static JsonArray RawItems(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
            return [new JsonObject { ["type"] = "message", ["role"] = "user", ["content"] = new JsonArray(ResponsesInput.Part("input_text", input.GetString() ?? "")) }];
        var items = new JsonArray();
        foreach (var item in input.EnumerateArray())
            items.Add(JsonNode.Parse(item.GetRawText()));
        return items;
    }

    /// <summary>The upstream's body of a relayed reply (also when it was replayed from the cache).</summary>
    public static ReadOnlyMemory<byte>? RelayedBody(ChatResponse response) =>
        RelayPayload.Of(response.RawRepresentation, streamed: false)
        ?? RelayPayload.Of(response.AdditionalProperties?.GetValueOrDefault(RelayPayload.PropertyKey), streamed: false)
        ?? response.Messages.Select(m => RelayPayload.Of(m.RawRepresentation, streamed: false)).FirstOrDefault(b => b is not null);

    public static Task SaveRelayedAsync(Saved saved, ReadOnlyMemory<byte> body, ChatResponse reply)
    {
        if (!saved.Request.Store || JsonNode.Parse(body.Span) is not JsonObject response)
            return Task.CompletedTask;
        return SaveAsync(saved, response, reply.Messages.SelectMany(m => m.Contents).Where(c => c is TextContent or FunctionCallContent).ToList());
    }

    public static Task SaveStreamedAsync(Saved saved, RelayRequest? relay)
    {
        if (!saved.Request.Store || relay?.Reader is not OpenAIResponsesRelayReader { Response: { } final } reader)
            return Task.CompletedTask;
        var contents = new List<AIContent>();
        if (reader.Text is { Length: > 0 } text)
            contents.Add(new TextContent(text));
        contents.AddRange(reader.ToolCalls);
        return SaveAsync(saved, JsonSerializer.SerializeToNode(final) as JsonObject ?? [], contents);
    }

    /// <summary>
    /// Stores <paramref name="response"/> when the request asked for it. The model has answered (and been charged), so the
    /// client's leaving now does not stop the write; a response past the size cap is left unstored, with a warning.
    /// </summary>
    public static async Task StoreAsync(Saved saved, StoredResponse response)
    {
        if (!saved.Request.Store)
            return;
        if (!await saved.Store.SaveAsync(response, CancellationToken.None))
            LogNotStored(saved.Log, response.Id, StoredResponse.MaxBytes);
    }

    /// <summary>OpenAI's stream <c>error</c> event, after what was relayed.</summary>
    public static ValueTask WriteErrorAsync(SseWriter sse, RelayRequest? relay, ReplyFailed failed, CancellationToken cancellationToken)
    {
        var sequence = (relay?.Reader as OpenAIResponsesRelayReader)?.LastSequenceNumber + 1 ?? 0;
        var code = failed.Code == Errors.ErrorCodes.RateLimited ? "rate_limit_exceeded" : "server_error";
        return sse.WriteAsync("error", w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteNumber("sequence_number", sequence);
            w.WriteString("code", code);
            w.WriteString("message", failed.Message);
            w.WriteNull("param");
            w.WriteEndObject();
        }, cancellationToken);
    }

    private static Task SaveAsync(Saved saved, JsonObject response, List<AIContent> assistant)
    {
        if (response["id"]?.GetValue<string>() is not { Length: > 0 } id)
            return Task.CompletedTask;
        var continued = new List<ChatMessage>(saved.History);
        if (assistant.Count > 0)
            continued.Add(new ChatMessage(ChatRole.Assistant, assistant));
        return StoreAsync(saved, new StoredResponse(
            id, saved.Owner, response, saved.Items, continued, saved.ModelId, saved.Time.GetUtcNow(), saved.Provider));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Response {ResponseId} was answered but not stored: its stored form passes {MaxBytes} bytes, or its id belongs to another owner")]
    private static partial void LogNotStored(ILogger logger, string responseId, int maxBytes);
}

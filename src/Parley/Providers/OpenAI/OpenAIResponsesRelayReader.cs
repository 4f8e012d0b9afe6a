using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Relay;

namespace Parley.Providers.OpenAI;

/// <summary>
/// Reads relayed Responses API events and bodies. Deltas (the bulk of a stream) are read with a <see cref="Utf8JsonReader"/>
/// for their type, sequence number and size only, without allocating; the few events that carry a whole item or the final response are
/// parsed for tool calls, usage, status and the response itself (kept for <c>GET /v1/responses/{id}</c>).
/// An <c>error</c> event throws and is not forwarded (the surface writes its own, numbered after the last one relayed).
/// </summary>
internal sealed class OpenAIResponsesRelayReader(string providerName) : IRelayReader
{
    private List<FunctionCallContent>? _toolCalls;
    private StringBuilder? _text;
    private bool _streamed;

    public bool Complete { get; private set; }

    public UsageDetails? Usage { get; private set; }

    public string? FinishReason { get; private set; }

    public string? ResponseId { get; private set; }

    public string? ModelId { get; private set; }

    public long OutputBytes { get; private set; }

    public string? Text => _text?.ToString();

    public IReadOnlyList<FunctionCallContent> ToolCalls => _toolCalls ?? (IReadOnlyList<FunctionCallContent>)[];

    /// <summary>The final response object (from response.completed/incomplete/failed, or the whole body), once read.</summary>
    public JsonElement? Response { get; private set; }

    /// <summary>The highest <c>sequence_number</c> relayed so far (-1 before any).</summary>
    public long LastSequenceNumber { get; private set; } = -1;

    public bool ReadEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        try
        {
            switch (Scan(data, out var deltaBytes))
            {
                case Kind.Delta:
                    _streamed = true;
                    OutputBytes += deltaBytes;
                    break;
                case Kind.Started when ResponseId is null:
                    using (var created = JsonDocument.Parse(data.ToArray()))
                    {
                        if (created.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
                            ReadIdentity(response);
                    }
                    break;
                case Kind.ItemDone:
                    using (var done = JsonDocument.Parse(data.ToArray()))
                    {
                        if (done.RootElement.TryGetProperty("item", out var item))
                            ReadToolCall(item);
                    }
                    break;
                case Kind.Finished:
                    using (var final = JsonDocument.Parse(data.ToArray()))
                    {
                        if (final.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
                            ReadFinal(response, inStream: true);
                    }
                    Complete = true;
                    break;
                case Kind.Error:
                    using (var error = JsonDocument.Parse(data.ToArray()))
                        throw Error(error.RootElement);
            }
            return true;
        }
        catch (JsonException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
    }

    public void ReadResponse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body.ToArray());
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException("Not a JSON object.");
            ReadFinal(json.RootElement, inStream: false);
            Complete = true;
        }
        catch (JsonException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
    }

    private enum Kind
    {
        Other,
        Delta,
        Started,
        ItemDone,
        Finished,
        Error,
    }

    /// <summary>An event's kind, <c>sequence_number</c> and the size of its <c>delta</c>, reading nothing else and allocating nothing.</summary>
    private Kind Scan(ReadOnlySpan<byte> data, out int deltaBytes)
    {
        deltaBytes = 0;
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("Not a JSON object.");
        var kind = Kind.Other;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.TokenType != JsonTokenType.String ? Kind.Other
                    : reader.ValueTextEquals("response.output_text.delta"u8) || reader.ValueTextEquals("response.function_call_arguments.delta"u8)
                        || reader.ValueTextEquals("response.reasoning_summary_text.delta"u8) || reader.ValueTextEquals("response.reasoning_text.delta"u8)
                        || reader.ValueTextEquals("response.refusal.delta"u8) ? Kind.Delta
                    : reader.ValueTextEquals("response.created"u8) || reader.ValueTextEquals("response.in_progress"u8) ? Kind.Started
                    : reader.ValueTextEquals("response.output_item.done"u8) ? Kind.ItemDone
                    : reader.ValueTextEquals("response.completed"u8) || reader.ValueTextEquals("response.incomplete"u8) || reader.ValueTextEquals("response.failed"u8) ? Kind.Finished
                    : reader.ValueTextEquals("error"u8) ? Kind.Error
                    : Kind.Other;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    deltaBytes = reader.ValueSpan.Length;
                else
                    reader.Skip();
            }
            else if (reader.ValueTextEquals("sequence_number"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var sequence) && sequence > LastSequenceNumber)
                    LastSequenceNumber = sequence;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            throw new JsonException("Trailing data after the JSON object.");
        return kind;
    }

    private void ReadIdentity(JsonElement response)
    {
        if (response.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            ResponseId = id.GetString();
        if (response.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            ModelId = model.GetString();
    }

    private void ReadFinal(JsonElement response, bool inStream)
    {
        // A failed response in a stream is its terminal event (the client gets it as sent); a whole body with an error is an error.
        if (response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && !inStream)
            throw Error(error);
        ReadIdentity(response);
        Response = response.Clone();
        if (response.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            Usage = new UsageDetails
            {
                InputTokenCount = Count(usage, "input_tokens"),
                OutputTokenCount = Count(usage, "output_tokens"),
                TotalTokenCount = Count(usage, "total_tokens"),
                CachedInputTokenCount = usage.TryGetProperty("input_tokens_details", out var input) ? Count(input, "cached_tokens") : null,
                ReasoningTokenCount = usage.TryGetProperty("output_tokens_details", out var output) ? Count(output, "reasoning_tokens") : null,
            };
        }
        if (response.TryGetProperty("output", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            var streamedCalls = _toolCalls is { Count: > 0 };
            foreach (var item in items.EnumerateArray())
            {
                if (!streamedCalls)
                    ReadToolCall(item);
                if (Str(item, "type") == "message" && item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        if (Str(part, "type") == "output_text" && Str(part, "text") is { } text)
                        {
                            (_text ??= new StringBuilder()).Append(text);
                            if (!_streamed)
                                OutputBytes += text.Length;
                        }
                    }
                }
            }
        }
        var status = Str(response, "status");
        var reason = response.TryGetProperty("incomplete_details", out var details) && details.ValueKind == JsonValueKind.Object ? Str(details, "reason") : null;
        FinishReason = status switch
        {
            "incomplete" when reason == "content_filter" => "content_filter",
            "incomplete" => "length",
            "completed" when _toolCalls is { Count: > 0 } => "tool_calls",
            "completed" => "stop",
            _ => null,
        };
    }

    private void ReadToolCall(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || Str(item, "type") != "function_call")
            return;
        var arguments = Str(item, "arguments") ?? "";
        if (!_streamed)
            OutputBytes += arguments.Length;
        var call = Tools.ToolContent.ParseCall(Str(item, "call_id") ?? "", Str(item, "name") ?? "", arguments);
        call.InformationalOnly = true;
        (_toolCalls ??= []).Add(call);
    }

    private Errors.ProviderException Error(JsonElement error) =>
        UpstreamErrors.MidStream(providerName, Str(error, "type"), Str(error, "code"), Str(error, "message"));

    private static long? Count(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count)
            ? count
            : null;

    private static string? Str(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

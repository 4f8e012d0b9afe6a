using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Relay;

namespace Parley.Providers.OpenAI;

/// <summary>
/// Reads relayed Responses API events and bodies. Deltas (the bulk of a stream) are read with a <see cref="Utf8JsonReader"/>
/// for their type, sequence number and text only; the few events that carry a whole item or the final response are
/// parsed for tool calls, usage, status and the response itself (kept for <c>GET /v1/responses/{id}</c>).
/// An <c>error</c> event throws and is not forwarded (the surface writes its own, numbered after the last one relayed).
/// </summary>
internal sealed class OpenAIResponsesRelayReader(string providerName) : IRelayReader
{
    private List<FunctionCallContent>? _toolCalls;
    private StringBuilder? _text;

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
            var (type, delta) = Scan(data);
            switch (type)
            {
                case "response.output_text.delta":
                    OutputBytes += delta?.Length ?? 0;
                    (_text ??= new StringBuilder()).Append(delta);
                    break;
                case "response.function_call_arguments.delta" or "response.reasoning_summary_text.delta" or "response.reasoning_text.delta" or "response.refusal.delta":
                    OutputBytes += delta?.Length ?? 0;
                    break;
                case "response.created" or "response.in_progress" when ResponseId is null:
                    using (var created = JsonDocument.Parse(data.ToArray()))
                    {
                        if (created.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
                            ReadIdentity(response);
                    }
                    break;
                case "response.output_item.done":
                    using (var done = JsonDocument.Parse(data.ToArray()))
                    {
                        if (done.RootElement.TryGetProperty("item", out var item))
                            ReadToolCall(item);
                    }
                    break;
                case "response.completed" or "response.incomplete" or "response.failed":
                    using (var final = JsonDocument.Parse(data.ToArray()))
                    {
                        if (final.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
                            ReadFinal(response, collectOutput: false);
                    }
                    Complete = true;
                    break;
                case "error":
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
            ReadFinal(json.RootElement, collectOutput: true);
            Complete = true;
        }
        catch (JsonException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
    }

    /// <summary>An event's <c>type</c>, <c>sequence_number</c> and <c>delta</c>, reading nothing else.</summary>
    private (string? Type, string? Delta) Scan(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("Not a JSON object.");
        string? type = null, delta = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    delta = reader.GetString();
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
        return (type, delta);
    }

    private void ReadIdentity(JsonElement response)
    {
        if (response.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            ResponseId = id.GetString();
        if (response.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            ModelId = model.GetString();
    }

    private void ReadFinal(JsonElement response, bool collectOutput)
    {
        if (response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && collectOutput)
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
        if (collectOutput && response.TryGetProperty("output", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                ReadToolCall(item);
                if (Str(item, "type") == "message" && item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        if (Str(part, "type") == "output_text" && Str(part, "text") is { } text)
                        {
                            OutputBytes += text.Length;
                            (_text ??= new StringBuilder()).Append(text);
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
        OutputBytes += arguments.Length;
        var call = OpenAIChatClient.FromToolCall(Str(item, "call_id") ?? "", Str(item, "name") ?? "", arguments);
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

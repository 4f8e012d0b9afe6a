using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Parley.Api.Messages;

/// <summary>A non-streamed Anthropic <c>message</c> object, and the stop reasons both paths share.</summary>
internal static class AnthropicMessageJson
{
    public static JsonObject Message(ChatResponse response, string id, string model)
    {
        var content = new JsonArray();
        var text = new System.Text.StringBuilder();
        void FlushText()
        {
            if (text.Length == 0)
                return;
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text.ToString() });
            text.Clear();
        }

        var calls = 0;
        foreach (var part in response.Messages.SelectMany(m => m.Contents))
        {
            switch (part)
            {
                case TextReasoningContent reasoning:
                    FlushText();
                    content.Add(reasoning.Text.Length == 0 && reasoning.ProtectedData is { } data
                        ? new JsonObject { ["type"] = "redacted_thinking", ["data"] = data }
                        : new JsonObject { ["type"] = "thinking", ["thinking"] = reasoning.Text, ["signature"] = reasoning.ProtectedData ?? "" });
                    break;
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    FlushText();
                    calls++;
                    content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.CallId, ["name"] = call.Name, ["input"] = Input(call.Arguments) });
                    break;
            }
        }
        FlushText();
        var usage = response.Usage;
        return new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = content,
            ["stop_reason"] = StopReason(response.FinishReason?.Value, calls > 0),
            ["stop_sequence"] = null,
            ["usage"] = Usage(usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, usage?.CachedInputTokenCount ?? 0),
        };
    }

    public static JsonObject Usage(long input, long output, long cacheRead = 0) => new()
    {
        ["input_tokens"] = input,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = cacheRead,
        ["output_tokens"] = output,
    };

    public static string StopReason(string? finishReason, bool hasToolCalls) => finishReason switch
    {
        "length" => "max_tokens",
        "content_filter" => "refusal",
        _ when hasToolCalls => "tool_use",
        _ => "end_turn",
    };

    public static JsonNode Input(IDictionary<string, object?>? arguments) =>
        JsonSerializer.SerializeToNode(arguments ?? new Dictionary<string, object?>()) ?? new JsonObject();

    public static JsonNode Input(string argumentsJson)
    {
        try
        {
            return JsonNode.Parse(argumentsJson) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }
}

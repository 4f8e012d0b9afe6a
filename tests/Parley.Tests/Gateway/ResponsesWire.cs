using System.Text.Json.Nodes;

namespace Parley.Tests.Gateway;

/// <summary>OpenAI Responses API replies as an upstream sends them: a response object, and a stream of named SSE events with sequence numbers.</summary>
internal static class ResponsesWire
{
    public const string Id = "resp_upstream_1";

    public static string Response(string text = "Hello world", string status = "completed", string? functionCall = null)
    {
        var output = new JsonArray();
        if (functionCall is not null)
        {
            output.Add(new JsonObject
            {
                ["type"] = "function_call", ["id"] = "fc_up_1", ["call_id"] = "call_up_1", ["name"] = functionCall, ["arguments"] = """{"city":"Oslo"}""", ["status"] = "completed",
            });
        }
        else
        {
            output.Add(Message(text));
        }
        return Envelope(status, output, Usage()).ToJsonString();
    }

    /// <summary>The whole event sequence of a two-delta text reply; <paramref name="cutAfter"/> keeps only that many events.</summary>
    public static List<string> Stream(int? cutAfter = null)
    {
        var events = new List<(string Type, JsonObject Data)>
        {
            ("response.created", new JsonObject { ["response"] = Envelope("in_progress", [], null) }),
            ("response.in_progress", new JsonObject { ["response"] = Envelope("in_progress", [], null) }),
            ("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = new JsonObject { ["id"] = "msg_up_1", ["type"] = "message", ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() } }),
            ("response.content_part.added", new JsonObject { ["item_id"] = "msg_up_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray() } }),
            ("response.output_text.delta", new JsonObject { ["item_id"] = "msg_up_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = "Hello", ["logprobs"] = new JsonArray() }),
            ("response.output_text.delta", new JsonObject { ["item_id"] = "msg_up_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = " world", ["logprobs"] = new JsonArray() }),
            ("response.output_text.done", new JsonObject { ["item_id"] = "msg_up_1", ["output_index"] = 0, ["content_index"] = 0, ["text"] = "Hello world", ["logprobs"] = new JsonArray() }),
            ("response.content_part.done", new JsonObject { ["item_id"] = "msg_up_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = "Hello world", ["annotations"] = new JsonArray() } }),
            ("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Message("Hello world") }),
            ("response.completed", new JsonObject { ["response"] = Envelope("completed", [Message("Hello world")], Usage()) }),
        };
        var frames = new List<string>();
        for (var i = 0; i < (cutAfter ?? events.Count); i++)
        {
            var (type, data) = events[i];
            data.Insert(0, "type", type);
            data.Insert(1, "sequence_number", i);
            frames.Add($"event: {type}\ndata: {data.ToJsonString()}\n\n");
        }
        return frames;
    }

    private static JsonObject Message(string text) => new()
    {
        ["id"] = "msg_up_1", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray(), ["logprobs"] = new JsonArray() }),
    };

    private static JsonObject Usage() => new()
    {
        ["input_tokens"] = 11, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 3 },
        ["output_tokens"] = 7, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 2 }, ["total_tokens"] = 18,
    };

    private static JsonObject Envelope(string status, JsonArray output, JsonObject? usage) => new()
    {
        ["id"] = Id, ["object"] = "response", ["created_at"] = 1764900000, ["status"] = status, ["background"] = false, ["error"] = null,
        ["incomplete_details"] = null, ["instructions"] = null, ["max_output_tokens"] = null, ["model"] = "gpt-4o-mini-2024-07-18",
        ["output"] = output, ["parallel_tool_calls"] = true, ["previous_response_id"] = null, ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
        ["service_tier"] = "default", ["store"] = true, ["temperature"] = 1.0, ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = "auto", ["tools"] = new JsonArray(), ["top_p"] = 1.0, ["truncation"] = "disabled", ["usage"] = usage, ["user"] = null,
        ["metadata"] = new JsonObject(),
    };
}

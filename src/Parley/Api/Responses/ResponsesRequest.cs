using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using static Parley.Api.WireJson;

namespace Parley.Api.Responses;

/// <summary>
/// A parsed <c>POST /v1/responses</c> body. <see cref="Input"/> stays JSON until the previous response (whose tool calls
/// its <c>function_call_output</c> items may answer) is loaded; <see cref="Echo"/> holds the settings the response object repeats.
/// </summary>
internal sealed record ResponsesRequest(
    string? Model, string? Instructions, JsonElement Input, ChatOptions Options, bool Stream, bool Store, string? PreviousResponseId, JsonObject Echo,
    IReadOnlyList<string> OpenAIOnly, IReadOnlyList<string> Untranslatable)
{
    /// <summary>Accepted without effect on the answer: identifiers for the caller's own bookkeeping and which extra output fields to include.</summary>
    private static readonly HashSet<string> Known =
    [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "max_output_tokens",
        "temperature", "top_p", "metadata", "store", "previous_response_id", "truncation", "stream", "user", "include",
        "safety_identifier", "prompt_cache_key", "service_tier", "background", "stream_options", "top_logprobs", "max_tool_calls",
    ];

    public static ResponsesRequest Parse(JsonElement body)
    {
        RequireObject(body, "body");
        // What only a relay to an upstream serving this API carries; a translation refuses it with these sentences.
        var untranslatable = new List<string>();
        foreach (var property in body.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
                untranslatable.Add($"'{property.Name}': this parameter is not supported by Parley's Responses API.");
        }
        if (!body.TryGetProperty("input", out var input) || input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
            throw Invalid("input", "is required and must be a string or an array of input items");
        if (Bool(body, "background", "") is true)
            untranslatable.Add(Invalid("background", "is not supported: Parley answers in the foreground (stream: true for long replies)").Message);
        if (Integer(body, "top_logprobs", "", 0, 20) is > 0)
            untranslatable.Add(Invalid("top_logprobs", "is not supported: Parley's providers do not return log probabilities through this API").Message);
        var truncation = String(body, "truncation", "");
        if (truncation is not (null or "auto" or "disabled"))
            throw Invalid("truncation", "must be 'auto' or 'disabled'");
        var metadata = Metadata(body);
        var openAIOnly = new List<string>();

        var options = new ChatOptions
        {
            MaxOutputTokens = Integer(body, "max_output_tokens", "", min: 1),
            Temperature = (float?)Number(body, "temperature", "", 0, 2),
            TopP = (float?)Number(body, "top_p", "", 0, 1),
            AllowMultipleToolCalls = Bool(body, "parallel_tool_calls", ""),
            Reasoning = Reasoning(body),
        };
        options.ResponseFormat = ResponsesTools.Format(body, options, openAIOnly);
        var tools = ResponsesTools.Read(body, openAIOnly, untranslatable);
        options.Tools = tools.Count > 0 ? tools : null;
        options.ToolMode = ResponsesTools.Choice(body);

        var echo = new JsonObject
        {
            ["instructions"] = String(body, "instructions", ""),
            ["max_output_tokens"] = options.MaxOutputTokens,
            ["max_tool_calls"] = Integer(body, "max_tool_calls", "", min: 1),
            ["metadata"] = metadata,
            ["parallel_tool_calls"] = options.AllowMultipleToolCalls ?? true,
            ["previous_response_id"] = String(body, "previous_response_id", ""),
            ["reasoning"] = Raw(body, "reasoning") ?? new JsonObject { ["effort"] = null, ["summary"] = null },
            ["store"] = Bool(body, "store", "") ?? true,
            ["temperature"] = options.Temperature ?? 1.0,
            ["text"] = Raw(body, "text") ?? new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = Raw(body, "tool_choice") ?? "auto",
            ["tools"] = Raw(body, "tools") ?? new JsonArray(),
            ["top_p"] = options.TopP ?? 1.0,
            ["truncation"] = truncation ?? "disabled",
            ["user"] = String(body, "user", ""),
        };
        return new ResponsesRequest(
            String(body, "model", ""), String(body, "instructions", ""), input.Clone(), options,
            Bool(body, "stream", "") ?? false, Bool(body, "store", "") ?? true, String(body, "previous_response_id", ""), echo, openAIOnly, untranslatable);
    }

    private static JsonObject Metadata(JsonElement body)
    {
        if (!body.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null)
            return [];
        RequireObject(metadata, "metadata");
        var result = new JsonObject();
        foreach (var entry in metadata.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String || entry.Name.Length > 64 || entry.Value.GetString()!.Length > 512)
                throw Invalid("metadata." + entry.Name, "must be a string of at most 512 characters under a key of at most 64");
            result[entry.Name] = entry.Value.GetString();
        }
        return result.Count <= 16 ? result : throw Invalid("metadata", "may hold at most 16 keys");
    }

    private static ReasoningOptions? Reasoning(JsonElement body)
    {
        if (!body.TryGetProperty("reasoning", out var reasoning) || reasoning.ValueKind == JsonValueKind.Null)
            return null;
        RequireObject(reasoning, "reasoning");
        var effort = String(reasoning, "effort", "reasoning") switch
        {
            null => (ReasoningEffort?)null,
            "none" => ReasoningEffort.None,
            "minimal" or "low" => ReasoningEffort.Low,
            "medium" => ReasoningEffort.Medium,
            "high" => ReasoningEffort.High,
            "xhigh" => ReasoningEffort.ExtraHigh,
            var other => throw Invalid("reasoning.effort", $"must be none, minimal, low, medium, high or xhigh, not '{other}'"),
        };
        var output = String(reasoning, "summary", "reasoning") switch
        {
            null => (ReasoningOutput?)null,
            "auto" or "concise" or "detailed" => ReasoningOutput.Summary,
            var other => throw Invalid("reasoning.summary", $"must be auto, concise or detailed, not '{other}'"),
        };
        return effort is null && output is null ? null : new ReasoningOptions { Effort = effort, Output = output };
    }

    private static JsonNode? Raw(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? JsonNode.Parse(value.GetRawText()) : null;
}

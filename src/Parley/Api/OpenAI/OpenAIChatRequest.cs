using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Api.OpenAI;

/// <summary>
/// A parsed <c>POST /v1/chat/completions</c> body. <see cref="Untranslated"/> names what the body holds that Parley can
/// only relay (to an OpenAI-compatible upstream, as sent) and not translate for another provider.
/// </summary>
public sealed record OpenAIChatRequest(string Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, int Choices,
    IReadOnlyList<string> Untranslated, IReadOnlyList<string> OpenAIOnly)
{
    /// <summary>Top-level fields the translation to Microsoft.Extensions.AI carries, and fields with no effect on the reply.</summary>
    private static readonly HashSet<string> Translated = new(StringComparer.Ordinal)
    {
        "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens",
        "frequency_penalty", "presence_penalty", "seed", "stop", "tools", "tool_choice", "response_format", "n", "parallel_tool_calls",
        "user", "store", "metadata",
    };

    public static OpenAIChatRequest Parse(JsonElement body, int maxImageBytes, int maxImagesPerMessage = int.MaxValue)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw Invalid("The body must be a JSON object.");
        RequestJson.RequireValidText(body);
        var model = OpenAIMessages.StringProperty(body, "model") ?? throw Invalid("'model' is required.");
        if (!body.TryGetProperty("messages", out var messagesElement))
            throw Invalid("'messages' is required.");
        var messages = OpenAIMessages.Read(messagesElement, maxImageBytes, allowFiles: true, maxImagesPerMessage, keepUnknownParts: true);
        if (messages.Count == 0)
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "'messages' must contain at least one message.");
        var choices = (int)(RequestJson.WholeNumber(body, "n", 1, 16) ?? 1);
        var untranslated = new List<string>();
        var openAIOnly = new List<string>();
        foreach (var property in body.EnumerateObject())
        {
            if (!Translated.Contains(property.Name) && property.Value.ValueKind != JsonValueKind.Null)
                untranslated.Add(property.Name);
        }

        var options = new ChatOptions
        {
            Temperature = (float?)RequestJson.Number(body, "temperature", 0, 2),
            TopP = (float?)RequestJson.Number(body, "top_p", 0, 1),
            MaxOutputTokens = (int?)(RequestJson.WholeNumber(body, "max_completion_tokens", 1, int.MaxValue) ?? RequestJson.WholeNumber(body, "max_tokens", 1, int.MaxValue)),
            FrequencyPenalty = (float?)RequestJson.Number(body, "frequency_penalty", -2, 2),
            PresencePenalty = (float?)RequestJson.Number(body, "presence_penalty", -2, 2),
            Seed = RequestJson.WholeNumber(body, "seed", long.MinValue, long.MaxValue),
            StopSequences = Stops(body),
            Tools = Tools(body, untranslated, openAIOnly),
            ToolMode = ToolMode(body),
            AllowMultipleToolCalls = body.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? parallel.GetBoolean()
                : null,
        };

        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        options.ResponseFormat = ResponseFormat(body, options, openAIOnly);
        untranslated.AddRange(OpenAIMessages.Untranslated(messages));
        openAIOnly.AddRange(OpenAIMessages.ImageDetails(messages));
        return new OpenAIChatRequest(model, messages, options, stream, includeUsage, choices, untranslated, openAIOnly);
    }

    private static List<string>? Stops(JsonElement body) =>
        !body.TryGetProperty("stop", out var stop) ? null : stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => [.. stop.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Invalid($"'stop[{i}]' must be a string."))],
            JsonValueKind.Null => null,
            _ => throw Invalid("'stop' must be a string or an array of strings."),
        };

    /// <summary>The client's tools, as declarations only: Parley passes the model's calls back instead of running them.</summary>
    private static List<AITool>? Tools(JsonElement body, List<string> untranslated, List<string> openAIOnly)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
            return null;
        if (tools.ValueKind != JsonValueKind.Array)
            throw Invalid("'tools' must be an array.");
        var result = new List<AITool>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = index++;
            if (OpenAIMessages.StringProperty(tool, "type") != "function" || !tool.TryGetProperty("function", out var function))
            {
                // Other tool types (custom, web search...) are relayed as sent; only a translation needs them to be functions.
                untranslated.Add($"tools[{at}] (type '{OpenAIMessages.StringProperty(tool, "type")}')");
                continue;
            }
            result.Add(FunctionTools.Read(tool, $"tools[{at}]", FunctionTools.Shape.ChatCompletions, openAIOnly));
        }
        return result;
    }

    private static ChatToolMode? ToolMode(JsonElement body)
    {
        if (!body.TryGetProperty("tool_choice", out var choice))
            return null;
        return choice.ValueKind switch
        {
            JsonValueKind.String => choice.GetString() switch
            {
                "auto" => ChatToolMode.Auto,
                "none" => ChatToolMode.None,
                "required" => ChatToolMode.RequireAny,
                var other => throw Invalid($"Unknown tool_choice '{other}'. Use auto, none or required."),
            },
            JsonValueKind.Object when choice.TryGetProperty("function", out var f) && OpenAIMessages.StringProperty(f, "name") is { } name =>
                ChatToolMode.RequireSpecific(name),
            JsonValueKind.Null => null,
            _ => throw Invalid("'tool_choice' must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}."),
        };
    }

    private static ChatResponseFormat? ResponseFormat(JsonElement body, ChatOptions options, List<string> openAIOnly)
    {
        if (!body.TryGetProperty("response_format", out var format) || format.ValueKind == JsonValueKind.Null)
            return null;
        if (format.ValueKind != JsonValueKind.Object)
            throw Invalid("'response_format' must be an object such as {\"type\":\"json_object\"}.");
        return OpenAIMessages.StringProperty(format, "type") switch
        {
            "json_object" => ChatResponseFormat.Json,
            "json_schema" when format.TryGetProperty("json_schema", out var js) =>
                js.ValueKind == JsonValueKind.Object && js.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
                    ? JsonSchema(js, schema, options, openAIOnly)
                    : throw Invalid("'response_format.json_schema' must be an object with a 'schema' object."),
            "json_schema" => throw Invalid("'response_format' of type json_schema needs a 'json_schema' object."),
            _ => ChatResponseFormat.Text,
        };
    }

    private static ChatResponseFormatJson JsonSchema(JsonElement jsonSchema, JsonElement schema, ChatOptions options, List<string> openAIOnly)
    {
        if (WireJson.Bool(jsonSchema, "strict", "response_format.json_schema") is { } strict)
        {
            (options.AdditionalProperties ??= [])[FunctionTools.StrictKey] = strict;
            if (strict)
                openAIOnly.Add("response_format.json_schema.strict");
        }
        return ChatResponseFormat.ForJsonSchema(schema.Clone(), OpenAIMessages.StringProperty(jsonSchema, "name"), OpenAIMessages.StringProperty(jsonSchema, "description"));
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);
}

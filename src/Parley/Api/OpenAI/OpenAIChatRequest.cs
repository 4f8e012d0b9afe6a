using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Api.OpenAI;

/// <summary>
/// A parsed <c>POST /v1/chat/completions</c> body. <see cref="Untranslated"/> names what the body holds that Parley can
/// only relay (to an OpenAI-compatible upstream, as sent) and not translate for another provider.
/// </summary>
public sealed record OpenAIChatRequest(string Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, int Choices,
    IReadOnlyList<string> Untranslated)
{
    /// <summary>Top-level fields the translation to Microsoft.Extensions.AI carries, and fields with no effect on the reply.</summary>
    private static readonly HashSet<string> Translated = new(StringComparer.Ordinal)
    {
        "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens",
        "frequency_penalty", "presence_penalty", "seed", "stop", "tools", "tool_choice", "response_format", "n", "parallel_tool_calls",
        "user", "store", "metadata",
    };

    public static OpenAIChatRequest Parse(JsonElement body, int maxImageBytes)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw Invalid("The body must be a JSON object.");
        var model = OpenAIMessages.StringProperty(body, "model") ?? throw Invalid("'model' is required.");
        if (!body.TryGetProperty("messages", out var messagesElement))
            throw Invalid("'messages' is required.");
        var messages = OpenAIMessages.Read(messagesElement, maxImageBytes, allowFiles: true, keepUnknownParts: true);
        if (messages.Count == 0)
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "'messages' must contain at least one message.");
        var choices = Number(body, "n") is { } n ? (int)n : 1;
        if (choices is < 1 or > 16 || Number(body, "n") is { } exact && exact != Math.Floor(exact))
            throw Invalid("'n' must be a whole number from 1 to 16.");
        var untranslated = new List<string>();
        foreach (var property in body.EnumerateObject())
        {
            if (!Translated.Contains(property.Name) && property.Value.ValueKind != JsonValueKind.Null)
                untranslated.Add(property.Name);
        }

        var options = new ChatOptions
        {
            Temperature = (float?)Number(body, "temperature"),
            TopP = (float?)Number(body, "top_p"),
            MaxOutputTokens = (int?)(Number(body, "max_completion_tokens") ?? Number(body, "max_tokens")),
            FrequencyPenalty = (float?)Number(body, "frequency_penalty"),
            PresencePenalty = (float?)Number(body, "presence_penalty"),
            Seed = (long?)Number(body, "seed"),
            StopSequences = Stops(body),
            Tools = Tools(body, untranslated),
            ToolMode = ToolMode(body),
            ResponseFormat = ResponseFormat(body),
            AllowMultipleToolCalls = body.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? parallel.GetBoolean()
                : null,
        };
        if (options.Temperature is < 0 or > 2)
            throw Invalid("'temperature' must be between 0 and 2.");
        if (options.MaxOutputTokens is < 1)
            throw Invalid("'max_tokens' must be at least 1.");

        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        untranslated.AddRange(OpenAIMessages.Untranslated(messages));
        return new OpenAIChatRequest(model, messages, options, stream, includeUsage, choices, untranslated);
    }

    private static double? Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => null,
            _ => throw Invalid($"'{name}' must be a number."),
        } : null;

    private static List<string>? Stops(JsonElement body) =>
        !body.TryGetProperty("stop", out var stop) ? null : stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => [.. stop.EnumerateArray().Select(e => e.GetString() ?? "")],
            JsonValueKind.Null => null,
            _ => throw Invalid("'stop' must be a string or an array of strings."),
        };

    /// <summary>The client's tools, as declarations only: Parley passes the model's calls back instead of running them.</summary>
    private static List<AITool>? Tools(JsonElement body, List<string> untranslated)
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
            var name = OpenAIMessages.StringProperty(function, "name") ?? throw Invalid($"tools[{at}] needs function.name.");
            var schema = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object
                ? p.Clone()
                : JsonSerializer.SerializeToElement(new { type = "object", properties = new { } });
            result.Add(AIFunctionFactory.CreateDeclaration(name, OpenAIMessages.StringProperty(function, "description") ?? "", schema));
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

    private static ChatResponseFormat? ResponseFormat(JsonElement body)
    {
        if (!body.TryGetProperty("response_format", out var format) || format.ValueKind != JsonValueKind.Object)
            return null;
        return OpenAIMessages.StringProperty(format, "type") switch
        {
            "json_object" => ChatResponseFormat.Json,
            "json_schema" when format.TryGetProperty("json_schema", out var js) && js.TryGetProperty("schema", out var schema) =>
                ChatResponseFormat.ForJsonSchema(schema.Clone(), OpenAIMessages.StringProperty(js, "name")),
            _ => ChatResponseFormat.Text,
        };
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);
}

using System.Text.Json;
using Microsoft.Extensions.AI;
using static Parley.Api.WireJson;

namespace Parley.Api.Responses;

/// <summary>The Responses API's function tools (flat <c>{type, name, description, parameters}</c>), <c>tool_choice</c> and <c>text.format</c>.</summary>
internal static class ResponsesTools
{
    /// <param name="untranslatable">Gets a sentence per hosted tool: only an upstream serving the Responses API runs those.</param>
    public static List<AITool> Read(JsonElement body, List<string> openAIOnly, List<string> untranslatable)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
            return [];
        if (tools.ValueKind != JsonValueKind.Array)
            throw Invalid("tools", "must be an array");
        var result = new List<AITool>();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var where = $"tools[{i++}]";
            RequireObject(tool, where);
            var type = RequireString(tool, "type", where);
            if (type != "function")
            {
                untranslatable.Add(Invalid(Path(where, "type"), $"'{type}' is a hosted tool, which Parley does not run; only 'function' tools are supported").Message);
                continue;
            }
            result.Add(FunctionTools.Read(tool, where, FunctionTools.Shape.Responses, openAIOnly));
        }
        return result;
    }

    public static ChatToolMode? Choice(JsonElement body)
    {
        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
            return null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "auto" => ChatToolMode.Auto,
                "none" => ChatToolMode.None,
                "required" => ChatToolMode.RequireAny,
                var other => throw Invalid("tool_choice", $"must be auto, none, required or {{\"type\":\"function\",\"name\":...}}, not '{other}'"),
            };
        }
        RequireObject(choice, "tool_choice");
        var type = RequireString(choice, "type", "tool_choice");
        return type == "function"
            ? ChatToolMode.RequireSpecific(RequireString(choice, "name", "tool_choice"))
            : throw Invalid("tool_choice.type", $"'{type}' is not supported; use 'function'");
    }

    /// <summary><c>text.format</c>; a strict json_schema is marked on <paramref name="options"/> and named in <paramref name="openAIOnly"/>.</summary>
    public static ChatResponseFormat? Format(JsonElement body, ChatOptions options, List<string> openAIOnly)
    {
        if (!body.TryGetProperty("text", out var text) || text.ValueKind == JsonValueKind.Null)
            return null;
        RequireObject(text, "text");
        if (!text.TryGetProperty("format", out var format) || format.ValueKind == JsonValueKind.Null)
            return null;
        RequireObject(format, "text.format");
        return RequireString(format, "type", "text.format") switch
        {
            "text" => ChatResponseFormat.Text,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" => format.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
                ? JsonSchema(format, schema, options, openAIOnly)
                : throw Invalid("text.format.schema", "is required for json_schema and must be an object"),
            var other => throw Invalid("text.format.type", $"must be text, json_object or json_schema, not '{other}'"),
        };
    }

    private static ChatResponseFormatJson JsonSchema(JsonElement format, JsonElement schema, ChatOptions options, List<string> openAIOnly)
    {
        var result = ChatResponseFormat.ForJsonSchema(schema.Clone(), RequireString(format, "name", "text.format"), String(format, "description", "text.format"));
        if (Bool(format, "strict", "text.format") is { } strict)
        {
            (options.AdditionalProperties ??= [])[FunctionTools.StrictKey] = strict;
            if (strict)
                openAIOnly.Add("text.format.strict");
        }
        return result;
    }
}

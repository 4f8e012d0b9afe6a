using System.Text.Json;
using Microsoft.Extensions.AI;
using static Parley.Api.WireJson;

namespace Parley.Api;

/// <summary>
/// The one reading of a client's function tool for every surface: chat completions (<c>{type, function: {name,
/// description, parameters, strict}}</c>), Responses (<c>{type, name, description, parameters, strict}</c>) and Messages
/// (<c>{name, description, input_schema, strict}</c>). <c>strict</c> travels on the declaration; what only an
/// OpenAI-compatible provider honours is named in the caller's list so a translation can refuse or drop it (see
/// <see cref="TranslationLimits"/>).
/// </summary>
internal static class FunctionTools
{
    public enum Shape
    {
        ChatCompletions,
        Responses,
        Messages,
    }

    /// <summary>The key Microsoft.Extensions.AI's OpenAI adapter reads for strict schemas (on a tool, or on the options for a response format).</summary>
    public const string StrictKey = "strictJsonSchema";

    private static readonly JsonElement EmptySchema = JsonSerializer.SerializeToElement(new { type = "object", properties = new { } });

    /// <summary>One function tool at <paramref name="where"/> (e.g. <c>tools[0]</c>); a set <c>strict</c> is named in <paramref name="openAIOnly"/>.</summary>
    public static FunctionDeclaration Read(JsonElement tool, string where, Shape shape, List<string> openAIOnly)
    {
        RequireObject(tool, where);
        var (function, at) = shape == Shape.ChatCompletions
            ? (tool.TryGetProperty("function", out var f) ? RequireObject(f, Path(where, "function")) : throw Invalid(Path(where, "function"), "is required"), Path(where, "function"))
            : (tool, where);
        var name = RequireString(function, "name", at);
        if (name.Length is 0 or > 128)
            throw Invalid(Path(at, "name"), "must be 1 to 128 characters");
        var schemaName = shape == Shape.Messages ? "input_schema" : "parameters";
        JsonElement schema;
        if (function.TryGetProperty(schemaName, out var s) && s.ValueKind == JsonValueKind.Object)
            schema = s.Clone();
        else if (shape == Shape.Messages || (function.TryGetProperty(schemaName, out s) && s.ValueKind != JsonValueKind.Null))
            throw Invalid(Path(at, schemaName), shape == Shape.Messages ? "is required and must be a JSON schema object" : "must be a JSON schema object");
        else
            schema = EmptySchema;
        var strict = Bool(function, "strict", at);
        if (strict is true)
            openAIOnly.Add(Path(at, "strict"));
        return new FunctionDeclaration(name, String(function, "description", at) ?? "", schema, strict);
    }

    /// <summary>Whether a function or a json_schema format asked for strict schema adherence.</summary>
    public static bool? Strict(AITool tool) => tool is FunctionDeclaration declaration ? declaration.Strict : null;

    /// <summary>Whether the options carry a strict json_schema response format.</summary>
    public static bool? StrictFormat(ChatOptions options) =>
        options.AdditionalProperties?.TryGetValue(StrictKey, out var value) == true && value is bool strict ? strict : null;
}

using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// A GBNF grammar (llama.cpp's sampling constraint) for one tool call when the request requires a call: the name is one
/// of the tools', the arguments a flat JSON object over the tool's declared properties. Every repetition is bounded, so
/// even a model that has never seen a tool call ends a well-formed one within a few hundred tokens.
/// </summary>
internal static class ToolCallGrammar
{
    private const int MaxProperties = 8;
    private const int MaxStringChars = 64;

    public static string Build(string root, string argumentsProperty, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var gbnf = new StringBuilder().Append("root ::= ").Append(root).Append('\n');
        gbnf.Append("call ::= ").AppendJoin(" | ", tools.Select((_, i) => $"call{i}")).Append('\n');
        for (var i = 0; i < tools.Count; i++)
        {
            gbnf.Append($"call{i} ::= \"{{\\\"name\\\": \" {Literal(JsonSerializer.Serialize(tools[i].Name))} \", \\\"{argumentsProperty}\\\": \" args{i} \"}}\"\n");
            var keys = PropertyNames(tools[i]);
            if (keys is { Count: 0 })
            {
                gbnf.Append($"args{i} ::= \"{{}}\"\n");
                continue;
            }
            gbnf.Append($"args{i} ::= \"{{\" (pair{i} (\", \" pair{i}){{0,{MaxProperties - 1}}})? \"}}\"\n");
            gbnf.Append($"pair{i} ::= key{i} \": \" value\n");
            gbnf.Append($"key{i} ::= ").Append(keys is null ? "string" : string.Join(" | ", keys.Select(k => Literal(JsonSerializer.Serialize(k))))).Append('\n');
        }
        gbnf.Append("value ::= string | number | \"true\" | \"false\" | \"null\"\n");
        gbnf.Append($"string ::= \"\\\"\" [^\"\\\\\\x00-\\x1F]{{0,{MaxStringChars}}} \"\\\"\"\n");
        gbnf.Append("number ::= \"-\"? [0-9]{1,12} (\".\" [0-9]{1,6})?\n");
        return gbnf.ToString();
    }

    /// <summary>The declared property names, none for a schema with an empty property list, null when undeclared.</summary>
    private static List<string>? PropertyNames(AIFunctionDeclaration tool) =>
        tool.JsonSchema.ValueKind == JsonValueKind.Object && tool.JsonSchema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => p.Name)]
            : null;

    /// <summary>A GBNF string literal matching <paramref name="text"/> exactly.</summary>
    private static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }
        return literal.Append('"').ToString();
    }
}

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// ChatML templates (Qwen 2.5 and later, Hermes 2/3): tools listed in <c>&lt;tools&gt;</c> in the system message, each call a
/// JSON object in <c>&lt;tool_call&gt;</c> tags, each result a user turn in <c>&lt;tool_response&gt;</c> tags.
/// </summary>
internal sealed partial class HermesToolSyntax : LlamaToolSyntax
{
    public static readonly HermesToolSyntax Instance = new();

    public override string Name => "hermes";

    public override string CallStart => "<tool_call>";

    public override bool CallsOnlyAtStart => false;

    public override string DescribeTools(IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var text = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n")
            .Append("You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        foreach (var tool in tools)
            text.Append('\n').Append(Definition(tool));
        return text.Append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within ")
            .Append("<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>")
            .ToString();
    }

    public override string WriteCall(FunctionCallContent call) =>
        $"<tool_call>\n{{\"name\": {System.Text.Json.JsonSerializer.Serialize(call.Name)}, \"arguments\": {ArgumentsJson(call)}}}\n</tool_call>";

    public override (string Role, string Text) WriteResult(FunctionResultContent result) =>
        ("user", $"<tool_response>\n{ResultText(result)}\n</tool_response>");

    public override IReadOnlyList<FunctionCallContent>? ReadCalls(string text)
    {
        var calls = new List<FunctionCallContent>();
        foreach (Match match in Block().Matches(text))
        {
            if (ReadCall(match.Groups["json"].Value, "arguments") is not { } call)
                return null;
            calls.Add(call);
        }
        return calls.Count > 0 ? calls : null;
    }

    public override string RequiredCallGrammar(IReadOnlyList<AIFunctionDeclaration> tools) =>
        ToolCallGrammar.Build("\"<tool_call>\\n\" call \"\\n</tool_call>\"", "arguments", tools);

    [GeneratedRegex(@"<tool_call>\s*(?<json>\{.*?\})\s*</tool_call>", RegexOptions.Singleline)]
    private static partial Regex Block();
}

using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// Llama 3.1 and later: the functions described in the system message, a call written as the whole reply in JSON
/// (<c>{"name": …, "parameters": …}</c>), and each result an <c>ipython</c> turn.
/// </summary>
internal sealed class Llama3ToolSyntax : LlamaToolSyntax
{
    public static readonly Llama3ToolSyntax Instance = new();

    public override string Name => "llama3";

    public override string CallStart => "{";

    public override bool CallsOnlyAtStart => true;

    public override string DescribeTools(IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var text = new StringBuilder("Environment: ipython\n\nGiven the following functions, respond with a JSON for a function call ")
            .Append("with its proper arguments that best answers the given prompt, or answer in plain text when no function helps.\n")
            .Append("A call is written as {\"name\": function name, \"parameters\": dictionary of argument name and its value}. Do not use variables.\n");
        foreach (var tool in tools)
            text.Append('\n').Append(Definition(tool));
        return text.ToString();
    }

    public override string WriteCall(FunctionCallContent call) =>
        $"{{\"name\": {System.Text.Json.JsonSerializer.Serialize(call.Name)}, \"parameters\": {ArgumentsJson(call)}}}";

    public override (string Role, string Text) WriteResult(FunctionResultContent result) => ("ipython", ResultText(result));

    public override IReadOnlyList<FunctionCallContent>? ReadCalls(string text) =>
        ReadCall(text.Trim(), "parameters") is { } call ? [call] : null;

    public override string RequiredCallGrammar(IReadOnlyList<AIFunctionDeclaration> tools) =>
        ToolCallGrammar.Build("call", "parameters", tools);
}

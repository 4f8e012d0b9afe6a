using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// How one family of chat templates writes tool definitions, calls and results as text, and how its calls are read
/// back from what the model generates. llama.cpp applies a template to roles and text only, so Parley renders the tool
/// parts itself, in the family's own convention (Hermes/Qwen's <c>&lt;tool_call&gt;</c> tags for ChatML templates, Llama 3.1's
/// JSON calls and <c>ipython</c> results).
/// </summary>
internal abstract class LlamaToolSyntax
{
    /// <summary>The family a template belongs to (its Jinja text or a llama.cpp template name), or null when it has no tool calls.</summary>
    public static LlamaToolSyntax? For(string? template) =>
        template switch
        {
            null => null,
            _ when template.Contains("<tool_call>", StringComparison.Ordinal)
                || template.Contains("<|im_start|>", StringComparison.Ordinal)
                || template.Equals("chatml", StringComparison.OrdinalIgnoreCase) => HermesToolSyntax.Instance,
            _ when template.Contains("<|start_header_id|>", StringComparison.Ordinal)
                || template.StartsWith("llama3", StringComparison.OrdinalIgnoreCase) => Llama3ToolSyntax.Instance,
            _ => null,
        };

    public abstract string Name { get; }

    /// <summary>The text that opens the calls in a reply.</summary>
    public abstract string CallStart { get; }

    /// <summary>Whether calls can only open the reply (Llama 3) or follow some text (Hermes).</summary>
    public abstract bool CallsOnlyAtStart { get; }

    /// <summary>The instructions and definitions added to the system message.</summary>
    public abstract string DescribeTools(IReadOnlyList<AIFunctionDeclaration> tools);

    /// <summary>An assistant's call, as the model would have written it.</summary>
    public abstract string WriteCall(FunctionCallContent call);

    /// <summary>The role and text a tool's result is shown to the model with.</summary>
    public abstract (string Role, string Text) WriteResult(FunctionResultContent result);

    /// <summary>The calls in <paramref name="text"/> (which starts at <see cref="CallStart"/>), or null when they are not well formed.</summary>
    public abstract IReadOnlyList<FunctionCallContent>? ReadCalls(string text);

    /// <summary>The GBNF grammar a reply must follow when a call is required: one call to one of the tools.</summary>
    public abstract string RequiredCallGrammar(IReadOnlyList<AIFunctionDeclaration> tools);

    protected static string Definition(AIFunctionDeclaration tool) =>
        JsonSerializer.Serialize(new
        {
            type = "function",
            function = new { name = tool.Name, description = tool.Description, parameters = tool.JsonSchema },
        });

    protected static string ResultText(FunctionResultContent result) => Tools.ToolContent.ResultText(result);

    protected static string ArgumentsJson(FunctionCallContent call) => Tools.ToolContent.ArgumentsJson(call.Arguments);

    /// <summary>A call read from generated JSON: its name and its arguments object.</summary>
    protected static FunctionCallContent? ReadCall(string json, string argumentsProperty)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } toolName)
                return null;
            var arguments = new Dictionary<string, object?>();
            if (root.TryGetProperty(argumentsProperty, out var args))
            {
                if (args.ValueKind != JsonValueKind.Object)
                    return null;
                foreach (var property in args.EnumerateObject())
                    arguments[property.Name] = property.Value.Clone();
            }
            return new FunctionCallContent($"call_{Guid.NewGuid():N}"[..24], toolName, arguments);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

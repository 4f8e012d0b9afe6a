using System.Text;
using LLama;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// Turns a conversation into the text a GGUF model reads: its own chat template (from the file's metadata or named in
/// configuration, applied by llama.cpp), or a plain "User:"/"Assistant:" transcript for models without one. Tools,
/// calls and results are written in the template family's own syntax when it has one (<see cref="ToolSyntax"/>).
/// </summary>
internal sealed class LlamaPromptFormat
{
    public const string Plain = "plain";
    public const string Auto = "auto";

    private readonly string? _template;

    private LlamaPromptFormat(string? template, string name)
    {
        _template = template;
        Name = name;
        ToolSyntax = LlamaToolSyntax.For(template);
    }

    /// <summary>How this template writes tool calls, or null when it has none (the plain format, unknown families).</summary>
    public LlamaToolSyntax? ToolSyntax { get; }

    /// <summary>Which format is used: <c>plain</c>, <c>metadata</c> or a llama.cpp template name.</summary>
    public string Name { get; }

    /// <summary>The plain transcript ends with this turn marker; it is also where a plain reply stops.</summary>
    public static readonly string[] PlainStops = ["\nUser:"];

    public IReadOnlyList<string> ImpliedStops => _template is null ? PlainStops : [];

    public static LlamaPromptFormat Choose(LLamaWeights weights, string? configured)
    {
        var setting = string.IsNullOrWhiteSpace(configured) ? Auto : configured.Trim();
        if (setting.Equals(Plain, StringComparison.OrdinalIgnoreCase))
            return new(null, Plain);
        if (!setting.Equals(Auto, StringComparison.OrdinalIgnoreCase))
        {
            // A named template is checked now, so a misspelt name is a startup error rather than a failed reply.
            var named = new LlamaPromptFormat(setting, setting);
            named.Format([new ChatMessage(ChatRole.User, "hi")]);
            return named;
        }
        var embedded = weights.NativeHandle.GetTemplate(null, strict: false);
        if (string.IsNullOrEmpty(embedded))
            return new(null, Plain);
        var fromMetadata = new LlamaPromptFormat(embedded, "metadata");
        try
        {
            fromMetadata.Format([new ChatMessage(ChatRole.User, "hi")]);
            return fromMetadata;
        }
        catch (LLama.Exceptions.RuntimeError)
        {
            // llama.cpp applies the templates it recognises; a Jinja template it does not know gets the plain format.
            return new(null, Plain);
        }
    }

    public string Format(IEnumerable<ChatMessage> messages, IReadOnlyList<AIFunctionDeclaration>? tools = null)
    {
        if (_template is null)
            return FormatPlain(messages);
        var template = new LLamaTemplate(_template) { AddAssistant = true };
        foreach (var (role, text) in Turns(messages, tools is { Count: > 0 } ? tools : null))
            template.Add(role, text);
        return LLamaTemplate.Encoding.GetString(template.Apply());
    }

    /// <summary>The role and text of each turn, with the tools described in the system turn and calls and results in the family's syntax.</summary>
    private IEnumerable<(string Role, string Text)> Turns(IEnumerable<ChatMessage> messages, IReadOnlyList<AIFunctionDeclaration>? tools)
    {
        var syntax = ToolSyntax;
        var described = tools is null || syntax is null;
        foreach (var message in messages)
        {
            if (!described && message.Role == ChatRole.System)
            {
                described = true;
                yield return ("system", TextOf(message) + "\n\n" + syntax!.DescribeTools(tools!));
                continue;
            }
            if (!described)
            {
                described = true;
                yield return ("system", syntax!.DescribeTools(tools!));
            }
            if (syntax is null || !message.Contents.Any(c => c is FunctionCallContent or FunctionResultContent))
            {
                yield return (RoleOf(message), TextOf(message));
                continue;
            }
            var text = new StringBuilder();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        text.Append(text.Length > 0 ? "\n" : "").Append(syntax.WriteCall(call));
                        break;
                    case FunctionResultContent result:
                        yield return syntax.WriteResult(result);
                        break;
                }
            }
            if (text.Length > 0)
                yield return (RoleOf(message), text.ToString());
        }
    }

    private static string FormatPlain(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            var body = TextOf(message);
            if (message.Role == ChatRole.System)
                text.Append(body).Append("\n\n");
            else
                text.Append(RoleOf(message) switch { "assistant" => "Assistant: ", "tool" => "Tool: ", _ => "User: " }).Append(body).Append('\n');
        }
        return text.Append("Assistant:").ToString();
    }

    private static string RoleOf(ChatMessage message) =>
        message.Role == ChatRole.System ? "system"
        : message.Role == ChatRole.Assistant ? "assistant"
        : message.Role == ChatRole.Tool ? "tool"
        : "user";

    private static string TextOf(ChatMessage message)
    {
        var text = new StringBuilder();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    text.Append("[called ").Append(call.Name).Append(']');
                    break;
                case FunctionResultContent result:
                    text.Append(Tools.ToolContent.ResultText(result));
                    break;
            }
        }
        return text.ToString();
    }
}

using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>
/// The options Microsoft.Extensions.AI.OpenAI's adapter gets: its own mapping for sampling, stop sequences, seed and
/// reasoning effort, but the tools, the tool choice and the response format built here, so the client's JSON schemas
/// reach the upstream byte for byte (the adapter would rewrite them for strict mode) with <c>strict</c> and
/// <c>detail</c> as Microsoft.Extensions.AI's conventions carry them.
/// </summary>
internal static class OpenAIChatOptions
{
    /// <summary>Microsoft.Extensions.AI's <c>strictJsonSchema</c> convention, on a tool or on the options (for the response format).</summary>
    private const string StrictKey = "strictJsonSchema";

    public static ChatOptions? ToUpstream(ChatOptions? options)
    {
        if (options is null)
            return null;

        var upstream = options.Clone();
        upstream.Tools = null;
        upstream.ResponseFormat = null;
        upstream.RawRepresentationFactory = _ => Completion(options);
        return upstream;
    }

    private static OpenAIChat.ChatCompletionOptions Completion(ChatOptions options)
    {
        var result = new OpenAIChat.ChatCompletionOptions();
        foreach (var function in (options.Tools ?? []).OfType<AIFunctionDeclaration>())
        {
            result.Tools.Add(OpenAIChat.ChatTool.CreateFunctionTool(
                function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText()), Strict(function.AdditionalProperties)));
        }

        if (result.Tools.Count > 0)
        {
            result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => OpenAIChat.ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => OpenAIChat.ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => OpenAIChat.ChatToolChoice.CreateRequiredChoice(),
                AutoChatToolMode => OpenAIChat.ChatToolChoice.CreateAutoChoice(),
                _ => null,
            };
        }

        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => OpenAIChat.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription, Strict(options.AdditionalProperties)),
            ChatResponseFormatJson => OpenAIChat.ChatResponseFormat.CreateJsonObjectFormat(),
            ChatResponseFormatText => OpenAIChat.ChatResponseFormat.CreateTextFormat(),
            _ => null,
        };
        return result;
    }

    private static bool? Strict(IReadOnlyDictionary<string, object?>? properties) =>
        properties?.TryGetValue(StrictKey, out var value) == true && value is bool strict ? strict : null;
}

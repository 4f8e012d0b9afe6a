using Microsoft.Extensions.AI;
using Parley.Tools;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>
/// The conversation as Microsoft.Extensions.AI.OpenAI's adapter gets it. Where Parley's wire form differs from the
/// adapter's, the message carries the OpenAI SDK message as its <see cref="ChatMessage.RawRepresentation"/>, which the
/// adapter sends as it is: text-only turns as plain strings, each tool result as its own tool message with
/// <see cref="ToolContent"/>'s text (whatever role carried it), and tool calls with their arguments as the model wrote them.
/// </summary>
internal static class OpenAIChatMessages
{
    public static IEnumerable<ChatMessage> ToUpstream(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.RawRepresentation is OpenAIChat.ChatMessage)
            {
                yield return message;
                continue;
            }

            // Tool results answer the assistant's tool calls, so they go first, right after that assistant message.
            var hasResults = false;
            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                hasResults = true;
                yield return new ChatMessage(ChatRole.Tool, [result])
                {
                    RawRepresentation = new OpenAIChat.ToolChatMessage(result.CallId, ToolContent.ResultText(result)),
                };
            }

            if (message.Role == ChatRole.Tool)
                continue;
            var contents = hasResults ? message.Contents.Where(c => c is not FunctionResultContent).ToList() : message.Contents;
            if (contents.Count == 0 && hasResults)
                continue;

            yield return new ChatMessage(message.Role, contents)
            {
                AuthorName = message.AuthorName,
                MessageId = message.MessageId,
                RawRepresentation = Plain(message.Role, contents),
            };
        }
    }

    /// <summary>The SDK message for a turn the adapter would send differently; null to let the adapter map it.</summary>
    private static OpenAIChat.ChatMessage? Plain(ChatRole role, IList<AIContent> contents)
    {
        if (contents.All(c => c is TextContent))
        {
            var text = string.Concat(contents.Cast<TextContent>().Select(t => t.Text));
            if (role == ChatRole.System)
                return new OpenAIChat.SystemChatMessage(text);
            if (role == ChatRole.User)
                return new OpenAIChat.UserChatMessage(text);
            if (role == ChatRole.Assistant)
                return new OpenAIChat.AssistantChatMessage(text);
        }

        if (role == ChatRole.Assistant && contents.Any(c => c is FunctionCallContent))
        {
            var calls = contents.OfType<FunctionCallContent>().Select(call => OpenAIChat.ChatToolCall.CreateFunctionToolCall(
                call.CallId, call.Name, BinaryData.FromString(ToolContent.ArgumentsJson(call))));
            var assistant = new OpenAIChat.AssistantChatMessage(calls);
            var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
            if (text.Length > 0)
                assistant.Content.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text));
            return assistant;
        }

        return null;
    }
}

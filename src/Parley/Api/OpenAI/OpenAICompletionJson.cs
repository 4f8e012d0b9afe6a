using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Usage;

namespace Parley.Api.OpenAI;

/// <summary>A non-streamed <c>chat.completion</c> object: one choice per response (<c>n</c>), usage summed, reasoning as <c>reasoning_content</c>.</summary>
internal static class OpenAICompletionJson
{
    public static object Completion(IReadOnlyList<ChatResponse> responses, string id, long created, string model)
    {
        var usage = responses.Where(r => r.Usage is not null).Aggregate((UsageDetails?)null, (sum, r) => sum.Plus(r.Usage!));
        return new
        {
            id,
            @object = "chat.completion",
            created,
            model,
            choices = responses.Select(Choice).ToList(),
            usage = usage is null ? null : OpenAIUsageJson.ToJson(usage),
            system_fingerprint = (string?)null,
        };
    }

    private static object Choice(ChatResponse response, int index)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = string.Concat(contents.OfType<TextReasoningContent>().Select(t => t.Text));
        var message = new Dictionary<string, object?>
        {
            ["role"] = "assistant",
            ["content"] = text.Length == 0 && calls.Count > 0 ? null : text,
            ["refusal"] = null,
            ["tool_calls"] = calls.Count == 0 ? null : calls.Select(c => new
            {
                id = c.CallId,
                type = "function",
                function = new { name = c.Name, arguments = Parley.Tools.ToolContent.ArgumentsJson(c.Arguments) },
            }).ToList(),
        };
        // Only when the model reasoned, under the field OpenAI-compatible servers (DeepSeek, vLLM) use.
        if (reasoning.Length > 0)
            message["reasoning_content"] = reasoning;
        return new
        {
            index,
            message,
            logprobs = (object?)null,
            finish_reason = FinishReason(response.FinishReason?.Value, calls.Count > 0),
        };
    }

    public static string FinishReason(string? reason, bool hasToolCalls) => reason switch
    {
        "length" or "content_filter" or "tool_calls" => reason,
        _ when hasToolCalls => "tool_calls",
        _ => "stop",
    };
}

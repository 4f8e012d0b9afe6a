using Microsoft.Extensions.AI;
using Parley.Chat;

namespace Parley.Api.OpenAI;

/// <summary>A non-streamed <c>chat.completion</c> object.</summary>
internal static class OpenAICompletionJson
{
    public static object Completion(ChatResponse response, string id, long created, string model)
    {
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var calls = contents.OfType<FunctionCallContent>().ToList();
        var text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
        var usage = response.Usage is null ? null : ChatRunner.ToUsage(response.Usage);
        return new
        {
            id,
            @object = "chat.completion",
            created,
            model,
            choices = new[]
            {
                new
                {
                    index = 0,
                    message = new
                    {
                        role = "assistant",
                        content = text.Length == 0 && calls.Count > 0 ? null : text,
                        refusal = (string?)null,
                        tool_calls = calls.Count == 0 ? null : calls.Select(c => new
                        {
                            id = c.CallId,
                            type = "function",
                            function = new { name = c.Name, arguments = c.Arguments is null ? "{}" : System.Text.Json.JsonSerializer.Serialize(c.Arguments) },
                        }).ToList(),
                    },
                    logprobs = (object?)null,
                    finish_reason = FinishReason(response.FinishReason?.Value, calls.Count > 0),
                },
            },
            usage = usage is null ? null : new { prompt_tokens = usage.PromptTokens, completion_tokens = usage.CompletionTokens, total_tokens = usage.TotalTokens },
            system_fingerprint = (string?)null,
        };
    }

    public static string FinishReason(string? reason, bool hasToolCalls) => reason switch
    {
        "length" or "content_filter" or "tool_calls" => reason,
        _ when hasToolCalls => "tool_calls",
        _ => "stop",
    };
}

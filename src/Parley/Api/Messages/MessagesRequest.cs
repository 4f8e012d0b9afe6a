using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;
using static Parley.Api.WireJson;

namespace Parley.Api.Messages;

/// <summary>
/// A parsed <c>POST /v1/messages</c> (or <c>/v1/messages/count_tokens</c>) body, as Microsoft.Extensions.AI types.
/// <see cref="Unknown"/> lists top-level fields Parley does not translate: an Anthropic upstream gets them as sent, any other provider refuses them.
/// </summary>
internal sealed record MessagesRequest(string Model, List<ChatMessage> Messages, ChatOptions Options, bool Stream, bool TopKRequested, IReadOnlyList<string> Unknown,
    IReadOnlyList<string> OpenAIOnly)
{
    private static readonly HashSet<string> Known =
    [
        "model", "messages", "system", "max_tokens", "stop_sequences", "temperature", "top_p", "top_k", "tools", "tool_choice",
        "thinking", "metadata", "stream", "service_tier",
    ];

    public static MessagesRequest Parse(JsonElement body, int maxImageBytes, bool countTokens)
    {
        RequireObject(body, "body");
        var unknown = body.EnumerateObject().Select(p => p.Name).Where(n => !Known.Contains(n)).ToList();
        var model = RequireString(body, "model", "");
        var maxTokens = Integer(body, "max_tokens", "", min: 1);
        if (maxTokens is null && !countTokens)
            throw Invalid("max_tokens", "is required");
        if (!body.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array)
            throw Invalid("messages", "is required and must be an array");

        var messages = new List<ChatMessage>();
        if (body.TryGetProperty("system", out var system) && system.ValueKind != JsonValueKind.Null)
            messages.Add(new ChatMessage(ChatRole.System, SystemText(system)));
        messages.AddRange(MessagesContent.Read(messagesElement, maxImageBytes));
        if (!messages.Any(m => m.Role != ChatRole.System))
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "'messages' must contain at least one message.");

        var openAIOnly = new List<string>();
        var tools = MessagesTools.Read(body, openAIOnly);
        var options = new ChatOptions
        {
            MaxOutputTokens = maxTokens,
            Temperature = (float?)Number(body, "temperature", "", 0, 1),
            TopP = (float?)Number(body, "top_p", "", 0, 1),
            TopK = Integer(body, "top_k", "", min: 1),
            StopSequences = StopSequences(body),
            Tools = tools.Count > 0 ? tools : null,
            Reasoning = Thinking(body, out var budget),
        };
        if (budget is { } tokens)
            Providers.ReasoningBudget.Set(options, tokens);
        MessagesTools.ApplyChoice(body, options);
        if (body.TryGetProperty("metadata", out var metadata) && metadata.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw Invalid("metadata", "must be an object");
        var stream = Bool(body, "stream", "") ?? false;
        return new MessagesRequest(model, messages, options, stream, options.TopK is not null, unknown, openAIOnly);
    }

    private static string SystemText(JsonElement system)
    {
        if (system.ValueKind == JsonValueKind.String)
            return system.GetString() ?? "";
        if (system.ValueKind != JsonValueKind.Array)
            throw Invalid("system", "must be a string or an array of text blocks");
        var parts = new List<string>();
        var i = 0;
        foreach (var block in system.EnumerateArray())
        {
            var where = $"system[{i++}]";
            RequireObject(block, where);
            if (String(block, "type", where) != "text")
                throw Invalid(Path(where, "type"), "must be 'text'");
            parts.Add(RequireString(block, "text", where));
        }
        return string.Join("\n\n", parts);
    }

    private static List<string>? StopSequences(JsonElement body)
    {
        if (!body.TryGetProperty("stop_sequences", out var stops) || stops.ValueKind == JsonValueKind.Null)
            return null;
        if (stops.ValueKind != JsonValueKind.Array || stops.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            throw Invalid("stop_sequences", "must be an array of strings");
        return [.. stops.EnumerateArray().Select(s => s.GetString()!)];
    }

    /// <summary>
    /// <c>thinking: {type: enabled, budget_tokens}</c> becomes a reasoning effort (under 4,096 tokens low, under 16,384
    /// medium, else high) and keeps its <paramref name="budget"/> for a provider that takes one; <c>disabled</c> turns it off.
    /// </summary>
    private static ReasoningOptions? Thinking(JsonElement body, out int? budget)
    {
        budget = null;
        if (!body.TryGetProperty("thinking", out var thinking) || thinking.ValueKind == JsonValueKind.Null)
            return null;
        RequireObject(thinking, "thinking");
        switch (String(thinking, "type", "thinking"))
        {
            case "disabled":
                return new ReasoningOptions { Effort = ReasoningEffort.None };
            case "adaptive":
                return new ReasoningOptions { Effort = ReasoningEffort.Medium, Output = ReasoningOutput.Full };
            case "enabled":
                budget = Integer(thinking, "budget_tokens", "thinking", min: 1024) ?? throw Invalid("thinking.budget_tokens", "is required when thinking is enabled");
                var effort = budget switch
                {
                    < 4096 => ReasoningEffort.Low,
                    < 16384 => ReasoningEffort.Medium,
                    _ => ReasoningEffort.High,
                };
                return new ReasoningOptions { Effort = effort, Output = ReasoningOutput.Full };
            default:
                throw Invalid("thinking.type", "must be 'enabled', 'adaptive' or 'disabled'");
        }
    }
}

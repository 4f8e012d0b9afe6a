using Microsoft.Extensions.AI;

namespace Parley.Providers;

/// <summary>
/// The token budget a client gave the model's thinking (Anthropic's <c>thinking.budget_tokens</c>). It travels in
/// <see cref="ChatOptions.AdditionalProperties"/> beside the <see cref="ChatOptions.Reasoning"/> effort derived from it, so
/// an Anthropic provider can send the budget as given while every other provider reads the effort.
/// </summary>
public static class ReasoningBudget
{
    public const string Key = "parley.thinking_budget_tokens";

    public static void Set(ChatOptions options, int tokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[Key] = tokens;
    }

    public static int? Of(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var value) == true && value is int tokens ? tokens : null;
}

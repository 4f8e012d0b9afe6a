using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Sends a client's <see cref="ReasoningBudget"/> to Anthropic as <c>thinking: {type: "enabled", budget_tokens}</c>. The SDK's
/// adapter maps <see cref="ChatOptions.Reasoning"/> to adaptive thinking with an effort, which would lose the budget; it
/// leaves thinking alone when the request parameters it starts from (<see cref="ChatOptions.RawRepresentationFactory"/>)
/// already hold it, so those carry the budget, the model and the output limit (which the adapter then takes as they are).
/// </summary>
internal sealed class AnthropicThinkingBudget(IChatClient innerClient, string model, int? defaultMaxOutputTokens) : DelegatingChatClient(innerClient)
{
    /// <summary>What the SDK's adapter asks for when neither the request nor the provider sets an output limit.</summary>
    private const int SdkDefaultMaxTokens = 1024;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithBudget(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithBudget(options), cancellationToken);

    private ChatOptions? WithBudget(ChatOptions? options)
    {
        if (ReasoningBudget.Of(options) is not { } budget)
            return options;
        var withBudget = options!.Clone();
        var maxTokens = options.MaxOutputTokens ?? defaultMaxOutputTokens ?? SdkDefaultMaxTokens;
        var modelId = options.ModelId ?? model;
        withBudget.RawRepresentationFactory = _ => new MessageCreateParams
        {
            MaxTokens = maxTokens,
            Messages = [],
            Model = modelId,
            Thinking = new ThinkingConfigEnabled(budget),
        };
        return withBudget;
    }
}

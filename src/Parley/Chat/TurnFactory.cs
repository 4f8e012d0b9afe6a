using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Errors;
using Parley.Providers;
using Parley.Tools;

namespace Parley.Chat;

/// <summary>
/// Builds the <see cref="ChatTurn"/> every surface runs: the resolved model, the system prompt,
/// history fitted to the model's window and the configured defaults for sampling.
/// </summary>
public sealed class TurnFactory(ModelCatalog catalog, ToolCatalog tools, IOptions<ParleyOptions> options)
{
    public ModelEntry ResolveModel(string? requested) => catalog.Resolve(requested);

    public ChatTurn Create(ModelEntry model, string? systemPrompt, IReadOnlyList<ChatMessage> history, TurnSettings settings)
    {
        var parley = options.Value;
        if (!model.Vision && history.Any(m => m.Contents.Any(c => c is DataContent or UriContent)))
            throw new ParleyException(ErrorCodes.InvalidImage, 400,
                $"The model {model.Id} cannot read images. Pick a vision model or remove the images.");

        var chatOptions = new ChatOptions
        {
            Temperature = (float?)(settings.Temperature ?? parley.Temperature),
            MaxOutputTokens = settings.MaxTokens ?? parley.MaxTokens,
            Tools = tools.GetTools() is { Count: > 0 } enabled ? enabled : null,
        };

        var messages = new List<ChatMessage>(history.Count + 1);
        if (!string.IsNullOrWhiteSpace(systemPrompt))
            messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        messages.AddRange(history);

        var window = catalog.Providers.GetValueOrDefault(model.Provider)?.ContextWindowTokens is > 0 and var w ? w : parley.DefaultContextWindowTokens;
        var budget = Math.Max(256, window - (chatOptions.MaxOutputTokens ?? 1024));
        var maxMessages = settings.MaxHistoryMessages ?? parley.MaxHistoryMessages;
        return new ChatTurn(model, ContextWindow.Fit(messages, maxMessages, budget), chatOptions);
    }
}

/// <summary>Per-request sampling settings; null falls back to configuration.</summary>
public sealed record TurnSettings(double? Temperature = null, int? MaxTokens = null, int? MaxHistoryMessages = null);

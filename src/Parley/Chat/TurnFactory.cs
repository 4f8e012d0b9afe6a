using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Providers;
using Parley.Tools;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>
/// Builds the <see cref="ChatTurn"/> every surface runs for its caller: the resolved model (routed to the vision model when the
/// turn has images it cannot see), the system prompt, history fitted to the model's window, the configured
/// defaults for sampling and the tools the conversation or request chose.
/// </summary>
public sealed class TurnFactory(ModelCatalog catalog, ToolCatalog tools, IOptions<ParleyOptions> options)
{
    /// <summary>
    /// The model a request names (null: the default), or the vision model when <paramref name="hasImages"/> and the
    /// named one cannot see. Throws <c>model_not_found</c>, <c>invalid_image</c> or, when the caller's API key may not
    /// use the model, <c>model_not_allowed</c> — before anything is stored.
    /// </summary>
    public ModelEntry ResolveModel(string? requested, Caller caller, bool hasImages = false)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var model = VisionRouting.Route(catalog.Resolve(requested), hasImages, catalog, options.Value.VisionModel);
        Identity.ModelAccess.Ensure(caller.AllowedModels, model, caller.KeyId);
        return model;
    }

    /// <summary>Tokens of history (system prompt included) a call to <paramref name="model"/> may send: its window less the reply's room.</summary>
    public int ContextBudget(ModelEntry model, int? maxTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parley = options.Value;
        var window = catalog.Providers.GetValueOrDefault(model.Provider)?.EffectiveContextWindow is > 0 and var w ? w : parley.DefaultContextWindowTokens;
        return Math.Max(256, window - (maxTokens ?? parley.MaxTokens ?? 1024));
    }

    public ChatTurn Create(ModelEntry model, Caller caller, string? systemPrompt, IReadOnlyList<ChatMessage> history, TurnSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(caller);
        var parley = options.Value;
        model = VisionRouting.Route(model, VisionRouting.HasImages(history), catalog, parley.VisionModel);

        var chatOptions = new ChatOptions
        {
            Temperature = (float?)(settings.Temperature ?? parley.Temperature),
            MaxOutputTokens = settings.MaxTokens ?? parley.MaxTokens,
            Tools = tools.GetTools(include: settings.Tools) is { Count: > 0 } enabled ? enabled : null,
        };

        var messages = new List<ChatMessage>(history.Count + 1);
        if (!string.IsNullOrWhiteSpace(systemPrompt))
            messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        messages.AddRange(history);

        var budget = ContextBudget(model, settings.MaxTokens);
        var maxMessages = settings.MaxHistoryMessages ?? parley.MaxHistoryMessages;
        return new ChatTurn(model, ContextWindow.Fit(messages, maxMessages, budget, Tokens.TokenCounter.For(model.ModelId)), chatOptions, caller);
    }
}

/// <summary>
/// Per-request settings; null falls back to configuration. <see cref="Tools"/> names the tools to offer (null: the
/// tools enabled by default; empty: none); names must have been checked with <see cref="ToolCatalog.RequireKnown"/>.
/// </summary>
public sealed record TurnSettings(double? Temperature = null, int? MaxTokens = null, int? MaxHistoryMessages = null, IReadOnlyList<string>? Tools = null);

using Microsoft.Extensions.Options;
using Parley.Providers;

namespace Parley.Configuration;

/// <summary>Checks configuration at startup and names the exact key (and its seed variable) that is wrong.</summary>
public sealed class ParleyOptionsValidator : IValidateOptions<ParleyOptions>
{
    public ValidateOptionsResult Validate(string? name, ParleyOptions options)
    {
        var failures = new List<string>();
        if (options.Temperature is < 0 or > 2)
            failures.Add($"Parley:Temperature (OPENAI_TEMPERATURE) must be between 0 and 2, not {options.Temperature}.");
        if (options.MaxTokens is < 1)
            failures.Add($"Parley:MaxTokens (OPENAI_MAX_TOKENS) must be at least 1, not {options.MaxTokens}.");
        if (options.MaxHistoryMessages < 1)
            failures.Add($"Parley:MaxHistoryMessages (MAX_HISTORY_MESSAGES) must be at least 1, not {options.MaxHistoryMessages}.");
        if (options.ShutdownGraceSeconds is < 0 or > 3600)
            failures.Add($"Parley:ShutdownGraceSeconds must be between 0 and 3600, not {options.ShutdownGraceSeconds}.");
        if (!Chat.ChatPaths.IsValidPrefix(options.ApiV1))
            failures.Add($"Parley:ApiV1 (API_V1) must be a path such as /api/v1 (letters, digits, '-', '_', '/'), not '{options.ApiV1}'.");
        if (options.MaxImageBytes < 1024 || options.MaxRequestBodyBytes < 1024 || options.MaxMessageChars < 1)
            failures.Add("Parley:MaxImageBytes, Parley:MaxRequestBodyBytes and Parley:MaxMessageChars must be positive (bytes at least 1024).");

        foreach (var (provider, settings) in options.Providers)
        {
            var key = $"Parley:Providers:{provider}";
            if (settings.Kind is not (ProviderKinds.OpenAI or ProviderKinds.Anthropic or ProviderKinds.Llama or ProviderKinds.Mock or ProviderKinds.Handler))
                failures.Add($"{key}:Kind must be openai, anthropic, llama or mock, not '{settings.Kind}'.");
            if (settings.Kind == ProviderKinds.Llama)
                failures.AddRange(Providers.Llama.LlamaOptionsValidation.Check(key, settings));
            if (settings.BaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                failures.Add($"{key}:BaseUrl must be an absolute http(s) URL, not '{url}'.");
            if (settings.Kind == ProviderKinds.Anthropic && string.IsNullOrWhiteSpace(settings.ApiKey))
                failures.Add($"{key}:ApiKey (ANTHROPIC_API_KEY) is required for an Anthropic provider.");
            if (settings.Kind == ProviderKinds.OpenAI && string.IsNullOrWhiteSpace(settings.ApiKey) && string.IsNullOrWhiteSpace(settings.BaseUrl))
                failures.Add($"{key} needs an ApiKey (OPENAI_API_KEY) or, for a local OpenAI-compatible server, a BaseUrl (OPENAI_API_BASE).");
            if (settings.TimeoutSeconds < 1)
                failures.Add($"{key}:TimeoutSeconds must be at least 1.");
        }

        if (failures.Count == 0)
        {
            try
            {
                var catalog = new ModelCatalog(Options.Create(options));
                if (!string.IsNullOrWhiteSpace(options.VisionModel))
                {
                    try
                    {
                        catalog.Resolve(options.VisionModel);
                    }
                    catch (Errors.ParleyException ex)
                    {
                        failures.Add($"Parley:VisionModel (VISION_MODEL): {ex.Message}");
                    }
                }
            }
            catch (Errors.ParleyException ex)
            {
                failures.Add($"Parley:DefaultModel: {ex.Message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

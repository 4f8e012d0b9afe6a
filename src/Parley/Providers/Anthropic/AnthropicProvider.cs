using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Builds the <see cref="IChatClient"/> for Anthropic: the SDK's own adapter (<c>AsIChatClient</c>) wrapped in
/// <see cref="AnthropicErrorMappingChatClient"/>, which turns the SDK's exceptions into Parley's provider errors, inside a
/// <see cref="Relay.RelayChatClient"/> that relays Anthropic Messages requests byte for byte.
/// </summary>
public static class AnthropicProvider
{
    public static IChatClient CreateChatClient(string providerName, ProviderOptions options, string model, HttpClient httpClient)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(httpClient);

        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var baseUrl = string.IsNullOrWhiteSpace(options.BaseUrl) ? EnvironmentUrl.Production : options.BaseUrl;
        var client = new AnthropicClient(new ClientOptions
        {
            ApiKey = options.ApiKey,
            // SDK 13 sends the key only as "Authorization: Bearer"; Anthropic-compatible proxies and gateways check x-api-key.
            ExtraHeaders = string.IsNullOrEmpty(options.ApiKey) ? null : new Dictionary<string, string> { ["x-api-key"] = options.ApiKey },
            HttpClient = httpClient,
            MaxRetries = 0, // Parley's pipeline retries, knowing whether output was already streamed.
            Timeout = timeout,
            Handlers = [new RetryAfterCapture()],
            BaseUrl = baseUrl,
        });

        // Without MaxOutputTokens here or in ChatOptions the SDK asks for 1024 tokens.
        var translating = new AnthropicErrorMappingChatClient(
            new AnthropicThinkingBudget(client.AsIChatClient(model, options.MaxOutputTokens), model, options.MaxOutputTokens), providerName, timeout);
        // /v1/messages requests reach an Anthropic upstream as sent (see AnthropicMessagesRelay); everything else is translated.
        return new Relay.RelayChatClient(translating, providerName, options, new Uri(baseUrl), model, httpClient);
    }
}

using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Builds the <see cref="IChatClient"/> for Anthropic: the SDK's own adapter (<c>AsIChatClient</c>) wrapped in
/// <see cref="AnthropicErrorMappingChatClient"/>, which turns the SDK's exceptions into Parley's provider errors.
/// </summary>
public static class AnthropicProvider
{
    public static IChatClient CreateChatClient(string providerName, ProviderOptions options, string model, HttpClient httpClient)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(httpClient);

        var client = new AnthropicClient
        {
            ApiKey = options.ApiKey,
            HttpClient = httpClient,
            MaxRetries = 0, // Parley's pipeline retries, knowing whether output was already streamed.
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            Handlers = [new RetryAfterCapture()],
            BaseUrl = string.IsNullOrWhiteSpace(options.BaseUrl) ? EnvironmentUrl.Production : options.BaseUrl,
        };

        return new AnthropicErrorMappingChatClient(client.AsIChatClient(model, options.MaxOutputTokens), providerName);
    }
}

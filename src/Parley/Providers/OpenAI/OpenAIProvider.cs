using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Parley.Providers.OpenAI;

/// <summary>
/// Builds the <see cref="IChatClient"/> for OpenAI and every OpenAI-compatible server (Ollama, vLLM, llama.cpp, ...).
/// Translated requests go through <see cref="OpenAIChatClient"/> (Microsoft.Extensions.AI.OpenAI's adapter with Parley's edges), the rest is relayed.
/// </summary>
public static class OpenAIProvider
{
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    // Local servers accept any key, but the SDK requires one.
    private const string PlaceholderApiKey = "not-needed";

    public static IChatClient CreateChatClient(string providerName, ProviderOptions options, string model, HttpClient httpClient)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(httpClient);

        var endpoint = string.IsNullOrWhiteSpace(options.BaseUrl) ? DefaultEndpoint : new Uri(options.BaseUrl);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(httpClient),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // Parley's pipeline retries, knowing whether output was already streamed.
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
        };
        clientOptions.AddPolicy(new FinishReasonNormalizer(), PipelinePosition.PerTry);
        var apiKey = string.IsNullOrEmpty(options.ApiKey) ? PlaceholderApiKey : options.ApiKey;
        var client = new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions);
        return new Relay.RelayChatClient(new OpenAIChatClient(providerName, client, model), providerName, options, endpoint, model, httpClient);
    }
}

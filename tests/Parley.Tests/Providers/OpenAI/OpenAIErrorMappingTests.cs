using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;
using Parley.Providers.OpenAI;
using Parley.Tests.Fakes;

namespace Parley.Tests.Providers.OpenAI;

public sealed class OpenAIErrorMappingTests : ProviderErrorMappingContract
{
    protected override async Task<FakeUpstreamServer> StartServerAsync() => await FakeOpenAIServer.StartAsync();

    protected override IChatClient Create(string? baseUrl = null, int timeoutSeconds = 5) =>
        OpenAIProvider.CreateChatClient("openai", new ProviderOptions { BaseUrl = baseUrl ?? Server.BaseUrl, TimeoutSeconds = timeoutSeconds }, "gpt-4o-mini", Http);

    protected override string RefusedBaseUrl(int port) => $"http://127.0.0.1:{port}/v1";

    [Theory]
    [InlineData(401, null, "Incorrect API key provided: sk-test.", ErrorCodes.ProviderAuth, false)]
    [InlineData(401, null, "Incorrect API key provided: sk-test.", ErrorCodes.ProviderAuth, true)]
    [InlineData(500, null, "The server had an error while processing your request.", ErrorCodes.ProviderUnavailable, false)]
    [InlineData(503, null, "The engine is currently overloaded.", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(400, "context_length_exceeded", "This model's maximum context length is 128000 tokens.", ErrorCodes.ContextTooLong, false)]
    [InlineData(400, "context_length_exceeded", "Too long.", ErrorCodes.ContextTooLong, true)]
    [InlineData(400, "content_filter", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", ErrorCodes.ContentFiltered, false)]
    [InlineData(404, "model_not_found", "The model `gpt-9` does not exist.", ErrorCodes.ModelNotFound, true)]
    [InlineData(400, "invalid_value", "Invalid value for 'temperature'.", ErrorCodes.InvalidRequest, false)]
    public Task MapsHttpErrors(int status, string? code, string message, string expected, bool streaming) =>
        AssertMapsAsync(FakeReply.Error(status, message, code: code), status, expected, streaming);
}

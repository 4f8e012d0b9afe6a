using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;
using Parley.Providers.Anthropic;
using Parley.Tests.Fakes;

namespace Parley.Tests.Providers.Anthropic;

public sealed class AnthropicErrorMappingTests : ProviderErrorMappingContract
{
    protected override async Task<FakeUpstreamServer> StartServerAsync() => await FakeAnthropicServer.StartAsync();

    protected override IChatClient Create(string? baseUrl = null, int timeoutSeconds = 5) =>
        AnthropicProvider.CreateChatClient("anthropic", new ProviderOptions { BaseUrl = baseUrl ?? Server.BaseUrl, TimeoutSeconds = timeoutSeconds }, "claude-test", Http);

    protected override string RefusedBaseUrl(int port) => $"http://127.0.0.1:{port}";

    [Theory]
    [InlineData(401, null, "invalid x-api-key", ErrorCodes.ProviderAuth, false)]
    [InlineData(401, null, "invalid x-api-key", ErrorCodes.ProviderAuth, true)]
    [InlineData(403, null, "Your API key does not have permission to use the specified resource.", ErrorCodes.ProviderAuth, false)]
    [InlineData(500, null, "Internal server error", ErrorCodes.ProviderUnavailable, false)]
    [InlineData(503, null, "Service unavailable", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(529, "overloaded_error", "Overloaded", ErrorCodes.ProviderUnavailable, true)]
    [InlineData(400, null, "prompt is too long: 210000 tokens > 200000 maximum", ErrorCodes.ContextTooLong, false)]
    [InlineData(400, null, "prompt is too long: 210000 tokens > 200000 maximum", ErrorCodes.ContextTooLong, true)]
    [InlineData(400, null, "Output blocked by content filtering policy (content_policy).", ErrorCodes.ContentFiltered, false)]
    [InlineData(404, null, "model: claude-9", ErrorCodes.ModelNotFound, true)]
    [InlineData(400, null, "temperature: range: 0..1", ErrorCodes.InvalidRequest, false)]
    public Task MapsHttpErrors(int status, string? type, string message, string expected, bool streaming) =>
        AssertMapsAsync(FakeReply.Error(status, message, type: type), status, expected, streaming);

    [Theory]
    [InlineData("rate_limit_error", ErrorCodes.ProviderRateLimited)]
    [InlineData("api_error", ErrorCodes.ProviderUnavailable)]
    public async Task AnErrorEventMapsByItsType(string type, string expected)
    {
        Server.Enqueue(FakeReply.MidStreamError(1, "Hello", " world") with { ErrorType = type });

        var error = await CallAsync(Create(), streaming: true);

        Assert.Equal(expected, error.Code);
    }
}

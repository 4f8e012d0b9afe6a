using System.Net;
using System.Text.Json;
using Parley.Tests.Fakes;

namespace Parley.Tests.Gateway;

/// <summary>
/// Parley's outbound HTTP to a provider follows no redirect and keeps no cookie: a 3xx is an error the client sees,
/// and what one caller's upstream answer set never rides along on the next caller's request. A call that declares no
/// tools goes to the model once, whatever it answers.
/// </summary>
public sealed class UpstreamIsolationTests : RelayFixture
{
    private const string Body = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""";

    [Theory]
    [InlineData(Model)]
    [InlineData(TranslatedModel)]
    public async Task A_redirect_from_the_provider_is_not_followed_and_the_client_gets_a_502_naming_it(string model)
    {
        var elsewhere = Upstream.BaseUrl.Replace("/v1", "/elsewhere/v1", StringComparison.Ordinal) + "/chat/completions";
        Upstream.Enqueue(new RawAnswer(307, "text/plain", [""]) { Headers = new Dictionary<string, string> { ["Location"] = elsewhere } });
        Upstream.Enqueue(RawAnswer.Json(WireSamples.Completion("followed")));

        using var response = await PostAsync(Body.Replace(Model, model, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("redirect (HTTP 307)", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var request = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
    }

    [Theory]
    [InlineData(Model)]
    [InlineData(TranslatedModel)]
    public async Task A_cookie_the_provider_sets_is_not_sent_back_on_later_requests(string model)
    {
        var answer = RawAnswer.Json(WireSamples.Completion("one")) with
        {
            Headers = new Dictionary<string, string> { ["Set-Cookie"] = "upstream_session=caller-one; Path=/" },
        };
        Upstream.Enqueue(answer, RawAnswer.Json(WireSamples.Completion("two")));

        using (var first = await PostAsync(Body.Replace(Model, model, StringComparison.Ordinal)))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var second = await PostAsync(Body.Replace(Model, model, StringComparison.Ordinal)))
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        Assert.Equal(["", ""], Upstream.Cookies);
    }

    [Fact]
    public async Task A_tool_call_nobody_declared_reaches_the_client_as_sent_and_the_model_is_called_once()
    {
        const string call = """{"id":"chatcmpl-up4","object":"chat.completion","created":1763000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"undeclared","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";
        Upstream.Enqueue(RawAnswer.Json(call));

        using var response = await PostAsync(Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(call, await response.Content.ReadAsStringAsync());
        Assert.Single(Upstream.Requests);
    }
}

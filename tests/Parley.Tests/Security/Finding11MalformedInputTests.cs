using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 11: malformed values in <c>/v1</c> and <c>/api/chat</c> bodies answered 500; <c>/api/chat</c> took
/// temperature 99 and <c>max_tokens</c> -5. Each now answers 400 with a sentence.
/// </summary>
public sealed class Finding11MalformedInputTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> V1Bodies => new()
    {
        """{"model":"mock","messages":[{"role":"user","content":"\ud800"}]}""",
        """{"model":"mock","messages":[{"role":"user","content":"hi"}],"stop":[1]}""",
        """{"model":"mock","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":"s"}}""",
        """{"model":"mock","messages":[{"role":"assistant","content":"x","tool_calls":[1]},{"role":"user","content":"hi"}]}""",
        """{"model":"mock","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://"}}]}]}""",
        """{"model":"mock","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://[::1"}}]}]}""",
        """{"model":"mock","messages":[{"role":"user","content":"hi"}],"max_tokens":1e10}""",
        """{"model":"mock","messages":[{"role":"user","content":"hi"}],"temperature":1e400}""",
        """{"model":"mock","messages":[{"role":"user","content":"hi"}],"seed":1.5}""",
    };

    public static TheoryData<string> ChatBodies => new()
    {
        """{"message":"hi","max_tokens":1e10}""",
        """{"message":"hi","max_tokens":1.5}""",
        """{"message":"hi","max_tokens":-5}""",
        """{"message":"hi","temperature":99}""",
        """{"message":"hi","temperature":-3}""",
        """{"message":"hi","images":[1]}""",
        """{"message":"hi","images":["http://"]}""",
        """{"message":"\ud800"}""",
    };

    [Theory]
    [MemberData(nameof(V1Bodies))]
    public async Task Finding11_v1_malformed_values_are_400_with_a_sentence(string body)
    {
        using var response = await PostAsync("/v1/chat/completions", Encoding.UTF8.GetBytes(body));
        await AssertBadRequestAsync(response, body);
    }

    [Theory]
    [MemberData(nameof(ChatBodies))]
    public async Task Finding11_api_chat_malformed_values_are_400_with_a_sentence(string body)
    {
        using var response = await PostAsync("/api/chat", Encoding.UTF8.GetBytes(body));
        await AssertBadRequestAsync(response, body);
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":\"mock\",\"messages\":[{\"role\":\"user\",\"content\":\"", "\"}]}")]
    [InlineData("/api/chat", "{\"message\":\"", "\"}")]
    public async Task Finding11_invalid_utf8_is_400(string path, string before, string after)
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(after)];
        using var response = await PostAsync(path, bytes);
        await AssertBadRequestAsync(response, path);
    }

    private Task<HttpResponseMessage> PostAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return _server.Client.PostAsync(path, content);
    }

    internal static async Task AssertBadRequestAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {what}: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        var sentence = json.TryGetProperty("error", out var error) ? error.GetProperty("message").GetString() : json.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(sentence));
    }
}

using System.Text;
using System.Text.Json;
using Parley.Tests.Fakes;

namespace Parley.Tests.Gateway;

/// <summary>
/// Fields that used to be lost in translation reach an OpenAI-compatible upstream through Parley's own client: <c>strict</c>
/// on a function and on a json_schema format, and an image's <c>detail</c>, from chat completions, Responses and Messages.
/// </summary>
public sealed class TranslatedFieldsTests : RelayFixture
{
    private const string Png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private const string Completion = """{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}""";

    [Fact]
    public async Task Chat_completions_translation_keeps_strict_and_image_detail()
    {
        Upstream.Enqueue(RawAnswer.Json(Completion));
        using var response = await PostAsync(Fill("""
            {"model":"@MODEL@","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"@PNG@","detail":"low"}}]}],
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{},"additionalProperties":false},"strict":true}}],
             "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object","properties":{},"additionalProperties":false},"strict":true}}}
            """));

        Assert.Equal(200, (int)response.StatusCode);
        var sent = JsonDocument.Parse(Upstream.LastBody).RootElement;
        Assert.True(sent.GetProperty("tools")[0].GetProperty("function").GetProperty("strict").GetBoolean());
        Assert.True(sent.GetProperty("response_format").GetProperty("json_schema").GetProperty("strict").GetBoolean());
        var image = sent.GetProperty("messages")[0].GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image_url");
        Assert.Equal("low", image.GetProperty("image_url").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Responses_and_messages_translations_keep_strict()
    {
        Upstream.Enqueue(RawAnswer.Json(Completion), RawAnswer.Json(Completion));

        using var responses = await SendAsync("/v1/responses", Fill("""
            {"model":"@MODEL@","input":"x","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{}},"strict":true}],
             "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object","properties":{}},"strict":false}}}
            """));
        Assert.Equal(200, (int)responses.StatusCode);
        var sent = JsonDocument.Parse(Upstream.LastBody).RootElement;
        Assert.True(sent.GetProperty("tools")[0].GetProperty("function").GetProperty("strict").GetBoolean());
        Assert.False(sent.GetProperty("response_format").GetProperty("json_schema").GetProperty("strict").GetBoolean());

        using var messages = await SendAsync("/v1/messages", Fill("""
            {"model":"@MODEL@","max_tokens":20,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"object"},"strict":true}]}
            """));
        Assert.Equal(200, (int)messages.StatusCode);
        Assert.True(JsonDocument.Parse(Upstream.LastBody).RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("strict").GetBoolean());
    }

    [Fact]
    public async Task A_function_without_a_name_is_a_400_naming_the_field_on_every_surface()
    {
        using var chat = await PostAsync(Fill("""{"model":"@MODEL@","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"parameters":{}}}]}"""));
        using var responses = await SendAsync("/v1/responses", Fill("""{"model":"@MODEL@","input":"x","tools":[{"type":"function","strict":true}]}"""));
        using var messages = await SendAsync("/v1/messages", Fill("""{"model":"@MODEL@","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"input_schema":{"type":"object"}}]}"""));

        Assert.Contains("'tools[0].function.name' is required", await chat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("'tools[0].name' is required", await responses.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("'tools[0].name' is required", await messages.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(new[] { chat, responses, messages }, r => Assert.Equal(400, (int)r.StatusCode));
        Assert.Empty(Upstream.Requests);
    }

    private static string Fill(string json) => json.Replace("@MODEL@", TranslatedModel, StringComparison.Ordinal).Replace("@PNG@", Png, StringComparison.Ordinal);

    private async Task<HttpResponseMessage> SendAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await Server.Client.SendAsync(request);
    }
}

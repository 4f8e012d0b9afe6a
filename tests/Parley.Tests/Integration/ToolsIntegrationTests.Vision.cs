using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Fakes;
using Parley.Tests.Support;
using Parley.Tests.Tools;
using Parley.Tools;

namespace Parley.Tests.Integration;

/// <summary>Images on every API reach each provider in its wire format; VISION_MODEL routing.</summary>
public sealed partial class ToolsIntegrationTests
{
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Images_on_every_api_reach_the_upstream_in_its_wire_format(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        var png = Convert.ToBase64String(TestImages.Png);

        // /v1 with an image_url part (a data URL and an http URL, which is passed on, not fetched).
        var v1 = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model,
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "what is this" },
                        new { type = "image_url", image_url = new { url = TestImages.PngDataUrl } },
                        new { type = "image_url", image_url = new { url = "https://images.example/cat.png" } },
                    },
                },
            },
        }, Token);
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        List<(string Kind, string? MediaType, string Data)> both = [("base64", "image/png", png), ("url", null, "https://images.example/cat.png")];
        Assert.Equal(both, ImagesSent(fake.LastRequest, provider));
        List<(string Kind, string? MediaType, string Data)> one = [("base64", "image/png", png)];

        // /api/chat with seed 001's images.
        await Sse.PostAsync(Client, "/api/chat", new { message = "and this", model, images = new[] { TestImages.PngDataUrl } }, Token);
        Assert.Equal(one, ImagesSent(fake.LastRequest, provider));

        // /api/conversations with images: stored, then sent from the store.
        var id = await _server!.CreateConversationAsync(new { model });
        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "and this one", images = new[] { png } }, Token);
        Assert.Equal("complete", stream.OfType("assistant_end").Single().GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(one, ImagesSent(fake.LastRequest, provider));
        Assert.Contains(stream.OfType("user_message").Single().GetProperty("message").GetProperty("content").EnumerateArray(),
            p => p.GetProperty("type").GetString() == "image");
    }

    [Fact]
    public async Task An_image_url_on_the_conversations_api_is_refused_with_a_clear_message()
    {
        await StartAsync("openai");
        var id = await _server!.CreateConversationAsync(new { model = OpenAIModel });

        var response = await Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "see", images = new[] { "https://images.example/cat.png" } }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("invalid_image", problem.GetProperty("code").GetString());
        Assert.Contains("data URL", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await GetConversationAsync(id)).GetProperty("messages").GetArrayLength());
        Assert.Empty(_openAI.Requests);
    }

    [Fact]
    public async Task Vision_model_routing_sends_image_turns_to_the_vision_model_on_every_api()
    {
        await StartAsync("openai", new() { ["Parley:Providers:openai:VisionModels:0"] = "gpt-4o" }, new() { ["VISION_MODEL"] = AnthropicModel });

        // /v1: answered by the vision model, and the response says so.
        var v1 = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = OpenAIModel,
            messages = new[] { new { role = "user", content = new object[] { new { type = "text", text = "see" }, new { type = "image_url", image_url = new { url = TestImages.PngDataUrl } } } } },
        }, Token);
        Assert.Equal(AnthropicModel, (await v1.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("model").GetString());
        Assert.Single(_anthropic.Requests);

        // /api/chat
        await Sse.PostAsync(Client, "/api/chat", new { message = "see", model = OpenAIModel, images = new[] { TestImages.PngDataUrl } }, Token);
        Assert.Equal(2, _anthropic.Requests.Count);
        Assert.Equal("claude-sonnet-4-5", _anthropic.LastRequest.Root.GetProperty("model").GetString());

        // /api/conversations: the stored reply names the model that answered; later turns that carry the image follow it.
        var id = await _server!.CreateConversationAsync(new { model = OpenAIModel });
        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "see", images = new[] { TestImages.PngDataUrl } }, Token);
        Assert.Equal(AnthropicModel, stream.OfType("assistant_start").Single().GetProperty("message").GetProperty("model").GetString());
        Assert.Equal(3, _anthropic.Requests.Count);
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "and now?" }, Token);
        Assert.Equal(4, _anthropic.Requests.Count);
        var replies = (await GetConversationAsync(id)).GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "assistant");
        Assert.All(replies, r => Assert.Equal(AnthropicModel, r.GetProperty("model").GetString()));
        Assert.Empty(_openAI.Requests);

        // A turn without images stays on the chosen model.
        await Sse.PostAsync(Client, "/api/chat", new { message = "no image", model = OpenAIModel }, Token);
        Assert.Equal("gpt-4o-mini", Assert.Single(_openAI.Requests).Root.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Without_a_vision_model_images_for_a_blind_model_are_refused_on_every_api()
    {
        await StartAsync("openai", new() { ["Parley:Providers:openai:VisionModels:0"] = "gpt-4o" });

        var chat = await Client.PostAsJsonAsync("/api/chat", new { message = "see", model = OpenAIModel, images = new[] { TestImages.PngDataUrl } }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, chat.StatusCode);
        Assert.Equal("invalid_image", (await chat.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("code").GetString());

        var v1 = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = OpenAIModel,
            messages = new[] { new { role = "user", content = new object[] { new { type = "image_url", image_url = new { url = TestImages.PngDataUrl } } } } },
        }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, v1.StatusCode);
        Assert.Contains("cannot read images", (await v1.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var id = await _server!.CreateConversationAsync(new { model = OpenAIModel });
        var send = await Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "see", images = new[] { TestImages.PngDataUrl } }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, send.StatusCode);
        Assert.Equal(0, (await GetConversationAsync(id)).GetProperty("messages").GetArrayLength());
        Assert.Empty(_openAI.Requests);
    }

    /// <summary>The last user message's images as (kind, media type, base64 data or URL), in either provider's format.</summary>
    private static List<(string Kind, string? MediaType, string Data)> ImagesSent(FakeRequest request, string provider)
    {
        var user = request.Root.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user");
        var parts = user.GetProperty("content");
        if (parts.ValueKind != JsonValueKind.Array)
            return [];
        var images = new List<(string, string?, string)>();
        foreach (var part in parts.EnumerateArray())
        {
            var type = part.GetProperty("type").GetString();
            if (provider == "openai" && type == "image_url")
            {
                var url = part.GetProperty("image_url").GetProperty("url").GetString()!;
                if (url.StartsWith("data:", StringComparison.Ordinal))
                {
                    var comma = url.IndexOf(',', StringComparison.Ordinal);
                    images.Add(("base64", url[5..comma].Replace(";base64", "", StringComparison.Ordinal), url[(comma + 1)..]));
                }
                else
                {
                    images.Add(("url", null, url));
                }
            }
            else if (provider == "anthropic" && type == "image")
            {
                var source = part.GetProperty("source");
                images.Add(source.GetProperty("type").GetString() == "base64"
                    ? ("base64", source.GetProperty("media_type").GetString(), source.GetProperty("data").GetString()!)
                    : ("url", null, source.GetProperty("url").GetString()!));
            }
        }

        return images;
    }
}

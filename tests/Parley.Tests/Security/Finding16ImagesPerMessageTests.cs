using System.Net;
using System.Net.Http.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>Finding 16: <c>MaxImagesPerMessage</c> was not applied on <c>/v1</c> and <c>/api/chat</c> (3,000 images accepted).</summary>
public sealed class Finding16ImagesPerMessageTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:MaxImagesPerMessage"] = "3" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Png => TestImages.PngDataUrl;

    [Fact]
    public async Task Finding16_v1_refuses_more_images_than_the_limit_on_one_message()
    {
        var parts = new List<object> { new { type = "text", text = "look" } };
        parts.AddRange(Enumerable.Range(0, 3000).Select(_ => (object)new { type = "image_url", image_url = new { url = Png } }));
        using var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock", messages = new[] { new { role = "user", content = parts } } });
        await Finding11MalformedInputTests.AssertBadRequestAsync(response, "3000 images");
        Assert.Contains("at most 3", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding16_api_chat_refuses_more_images_than_the_limit()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/chat", new { message = "look", images = Enumerable.Repeat(Png, 3000) });
        await Finding11MalformedInputTests.AssertBadRequestAsync(response, "3000 images");
    }

    [Fact]
    public async Task Images_within_the_limit_still_work()
    {
        using var response = await _server.Client.PostAsJsonAsync("/api/chat", new { message = "look", images = Enumerable.Repeat(Png, 3) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

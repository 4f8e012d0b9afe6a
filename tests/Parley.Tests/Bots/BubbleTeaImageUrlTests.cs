using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Tests.Support;
using Parley.Tests.Tools;

namespace Parley.Tests.Bots;

/// <summary>
/// BubbleTea sends images as <c>url</c> as well as <c>base64</c>: Parley downloads a URL image through the SSRF guard (only
/// what the operator allows), capped in size and checked to be an image, and keeps it with the conversation.
/// </summary>
public sealed class BubbleTeaImageUrlTests : IAsyncLifetime
{
    private LocalServer _images = null!;

    public async Task InitializeAsync() => _images = await LocalServer.StartAsync(context => context.Request.Path.Value switch
    {
        "/cat.png" => Results.Bytes(TestImages.Png, "image/png").ExecuteAsync(context),
        "/page.html" => Results.Content("<p>not an image</p>", "text/html").ExecuteAsync(context),
        "/huge.png" => Results.Bytes(new byte[3 * 1024 * 1024], "image/png").ExecuteAsync(context),
        _ => Results.NotFound().ExecuteAsync(context),
    });

    public async Task DisposeAsync() => await _images.DisposeAsync();

    private Task<ParleyTestServer> StartAsync(bool allowImageHost)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Bots:Bots:live:Platform"] = "bubbletea",
            ["Parley:Bots:Bots:live:IsStreaming"] = "true",
            ["Parley:Bots:Bots:live:Model"] = "mock/echo",
            ["Parley:MaxImageBytes"] = (2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (allowImageHost)
            settings["Parley:Tools:AllowedNetworks:0"] = $"127.0.0.1:{_images.Port}";
        return ParleyTestServer.StartAsync(settings);
    }

    private StringContent Request(string path) => new(
        $$"""{"type": "user", "message": "what is this", "user_uuid": "u1", "images": [{"url": "http://127.0.0.1:{{_images.Port}}{{path}}", "mime_type": "image/png"}]}""",
        Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_image_sent_by_url_is_downloaded_and_reaches_the_model()
    {
        await using var parley = await StartAsync(allowImageHost: true);

        var response = await parley.Client.PostAsync("/bots/live/chat", Request("/cat.png"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = string.Concat((await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement)
            .Where(c => c.GetProperty("type").GetString() == "markdown").Select(c => c.GetProperty("content").GetString()));
        Assert.Contains("what is this (1 image received)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/page.html", "is not an image")]
    [InlineData("/huge.png", "larger than the 2 MB image limit")]
    [InlineData("/missing.png", "answered 404")]
    public async Task A_url_image_that_is_not_a_usable_image_is_a_400_naming_it(string path, string reason)
    {
        await using var parley = await StartAsync(allowImageHost: true);

        var response = await parley.Client.PostAsync("/bots/live/chat", Request(path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("images[0].url", detail, StringComparison.Ordinal);
        Assert.Contains(reason, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_to_an_address_the_operator_did_not_allow_is_refused()
    {
        await using var parley = await StartAsync(allowImageHost: false);

        var response = await parley.Client.PostAsync("/bots/live/chat", Request("/cat.png"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("loopback address", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

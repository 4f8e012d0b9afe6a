using System.Text.Json;
using Parley.Bots;
using Parley.Errors;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 17: a BubbleTea webhook with <c>conversation_uuid: ".."</c> made Parley POST the attacker's text with the
/// bot's Bearer key to <c>{ApiUrl}/v1/developer/message</c>: escaping leaves <c>..</c> as it is, and the URL climbs.
/// </summary>
public sealed class Finding17BotDeliveryPathTests
{
    private static readonly BotOptions Bot = new() { ApiUrl = "https://backend.bubbletea.example", ApiKey = "bot-key" };

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../v1/developer")]
    [InlineData("a/b")]
    [InlineData("a%2F..")]
    [InlineData("a?b=1")]
    [InlineData("a#b")]
    [InlineData("a\\..")]
    public void Finding17_path_values_that_could_change_the_delivery_url_are_refused(string conversation)
    {
        var platform = new BubbleTeaPlatform();
        var error = Assert.Throws<ParleyException>(() => platform.Deliver(Bot, new BotMessage("u1", null, "hi", conversation), "t1", "answer"));
        Assert.Equal(400, error.Status);
        var body = JsonSerializer.SerializeToElement(new { message = "hi", user_uuid = "u1", conversation_uuid = conversation });
        Assert.Equal(400, Assert.Throws<ParleyException>(() => platform.Parse(body, Bot)).Status);
    }

    [Theory]
    [InlineData("3f2c9a1e-7b2d-4c6e-9f00-1a2b3c4d5e6f")]
    [InlineData("conv_123")]
    public void Identifiers_still_build_the_documented_url(string conversation)
    {
        var delivery = new BubbleTeaPlatform().Deliver(Bot, new BotMessage("u1", null, "hi", conversation), "t1", "answer");
        Assert.Equal($"https://backend.bubbletea.example/v1/developer/conversation/{conversation}/message", delivery.Url);
        Assert.Equal(new Uri(delivery.Url).AbsolutePath, $"/v1/developer/conversation/{conversation}/message");
    }
}

using System.Text.Json.Serialization;

namespace Parley.Bots;

/// <summary>
/// bubbletea-chat 0.6's <c>BotConfig</c>, as a bot's <c>GET /config</c> returns it: <c>name</c> (URL-safe handle), <c>url</c>,
/// <c>is_streaming</c>, the listing's <c>display_name</c>, <c>subtitle</c>, <c>icon_emoji</c>, <c>description</c>,
/// <c>visibility</c>, <c>initial_text</c>, <c>example_chats</c>, and the legacy <c>emoji</c> and <c>authorization</c>.
/// </summary>
public sealed record BubbleTeaBotConfig(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("is_streaming")] bool IsStreaming,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("subtitle")] string? Subtitle,
    [property: JsonPropertyName("icon_emoji")] string? IconEmoji,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("visibility")] string Visibility,
    [property: JsonPropertyName("discoverable")] bool Discoverable,
    [property: JsonPropertyName("initial_text")] string InitialText,
    [property: JsonPropertyName("example_chats")] IReadOnlyList<string> ExampleChats,
    [property: JsonPropertyName("emoji")] string? Emoji,
    [property: JsonPropertyName("authorization")] string Authorization)
{
    public static BubbleTeaBotConfig For(string name, BotOptions bot, string url)
    {
        ArgumentNullException.ThrowIfNull(bot);
        var visibility = bot.IsPublic ? "public" : "private";
        return new BubbleTeaBotConfig(
            name.ToLowerInvariant(), url, bot.IsStreaming, bot.DisplayName ?? name, bot.Subtitle, bot.IconEmoji, bot.Description,
            visibility, bot.IsPublic, bot.WelcomeMessage, bot.ExampleChats, bot.IconEmoji, visibility);
    }
}

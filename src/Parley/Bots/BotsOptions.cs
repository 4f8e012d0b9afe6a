namespace Parley.Bots;

/// <summary>Section <c>Parley:Bots</c>: chat-platform bots by name, and how their answers are delivered.</summary>
public sealed class BotsOptions
{
    public const string Section = "Parley:Bots";

    /// <summary>The bot that <c>BUBBLETEA_API_KEY</c> creates (seed 000).</summary>
    public const string DefaultBotName = "gpt-assistant";

    /// <summary>
    /// Configured bots by name (letters, digits, <c>-</c>, <c>_</c>). A BubbleTea bot answers the platform's contract under its
    /// own prefix, <c>POST /bots/{name}/chat</c> and <c>GET /bots/{name}/config</c>; every bot also has the generic
    /// <c>POST /bots/{name}/webhook</c>.
    /// </summary>
    public Dictionary<string, BotOptions> Bots { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The BubbleTea bot that also answers at the server's root, <c>POST /chat</c> and <c>GET /config</c> (where the
    /// bubbletea-chat SDK serves a bot); empty picks <c>gpt-assistant</c> when configured, else the only BubbleTea bot.
    /// </summary>
    public string? RootBot { get; set; }

    /// <summary>Delivery attempts before an answer is given up (with exponential backoff between them).</summary>
    public int MaxDeliveryAttempts { get; set; } = 8;

    /// <summary>The first retry delay; each further retry doubles it (with jitter), up to five minutes.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound for one delivery request.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>One bot: which platform speaks to it, how to answer, and seed 000's BotConfig.</summary>
public sealed class BotOptions
{
    /// <summary><c>bubbletea</c> (seed 000) or <c>webhook</c> (generic JSON).</summary>
    public string Platform { get; set; } = BotPlatforms.BubbleTea;

    /// <summary>Bearer key for the platform's API (<c>BUBBLETEA_API_KEY</c>); never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The platform's API root (<c>BUBBLETEA_API_URL</c>).</summary>
    public string ApiUrl { get; set; } = "https://backend.bubbletea.chat";

    /// <summary>For the generic webhook platform: where answers are POSTed when a message names no callback URL.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>HMAC-SHA256 secret; when set, webhooks must carry <c>X-Parley-Signature: sha256=&lt;hex&gt;</c> of the raw body.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// <c>provider/model</c> for this bot's answers; empty means the server default. The seed's bot (created by
    /// <c>BUBBLETEA_API_KEY</c>) defaults to <c>openai/</c> + <c>OPENAI_MODEL</c>, or <c>openai/gpt-4</c>, when OpenAI is configured.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Reply token cap for this bot (the seed's bot: <c>OPENAI_MAX_TOKENS</c>, default 1000); empty: <c>Parley:MaxTokens</c>.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Temperature for this bot (the seed's bot: <c>OPENAI_TEMPERATURE</c>, default 0.7); empty: <c>Parley:Temperature</c>.</summary>
    public double? Temperature { get; set; }

    public string? SystemPrompt { get; set; }

    /// <summary>BotConfig's <c>display_name</c> (at most 20 characters); empty shows the bot's name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>
    /// BotConfig's <c>is_streaming</c>. False (the seed's bot): <c>/chat</c> acknowledges at once and the answer is POSTed to
    /// the platform's conversation; true: <c>/chat</c> streams the answer as server-sent components.
    /// </summary>
    public bool IsStreaming { get; set; }

    /// <summary>BotConfig's <c>initial_text</c>: the welcome message for new users.</summary>
    public string WelcomeMessage { get; set; } = "Hi! Ask me anything.";

    /// <summary>BotConfig's <c>visibility</c>: true is <c>public</c> (listed for discovery), false <c>private</c>.</summary>
    public bool IsPublic { get; set; } = true;

    /// <summary>BotConfig's <c>url</c>: where the platform reaches this bot; empty derives it from the request (<c>…/bots/{name}</c>).</summary>
    public string? Url { get; set; }

    /// <summary>BotConfig's <c>subtitle</c> (at most 30 characters).</summary>
    public string? Subtitle { get; set; }

    /// <summary>BotConfig's <c>icon_emoji</c> (at most 10 characters).</summary>
    public string? IconEmoji { get; set; }

    /// <summary>BotConfig's <c>description</c> (markdown).</summary>
    public string? Description { get; set; }

    /// <summary>BotConfig's <c>example_chats</c>: example messages the platform offers.</summary>
    public List<string> ExampleChats { get; set; } = [];

    /// <summary>What <c>/chat</c> answers at once when the answer follows through the platform's API.</summary>
    public string Acknowledgement { get; set; } = "Thinking…";
}

public static class BotPlatforms
{
    public const string BubbleTea = "bubbletea";
    public const string Webhook = "webhook";
}

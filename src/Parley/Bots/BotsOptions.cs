namespace Parley.Bots;

/// <summary>Section <c>Parley:Bots</c>: chat-platform bots by name, and how their answers are delivered.</summary>
public sealed class BotsOptions
{
    public const string Section = "Parley:Bots";

    /// <summary>The bot that <c>BUBBLETEA_API_KEY</c> creates (seed 000).</summary>
    public const string DefaultBotName = "gpt-assistant";

    /// <summary>Configured bots; each gets <c>POST /bots/{name}/webhook</c> and <c>GET /bots/{name}/config</c>.</summary>
    public Dictionary<string, BotOptions> Bots { get; set; } = new(StringComparer.OrdinalIgnoreCase);

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

    /// <summary><c>provider/model</c> for this bot's answers; empty means the server default.</summary>
    public string? Model { get; set; }

    public string? SystemPrompt { get; set; }

    /// <summary>BotConfig's display name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>BotConfig's streaming flag.</summary>
    public bool IsStreaming { get; set; }

    /// <summary>BotConfig's welcome message for new users.</summary>
    public string WelcomeMessage { get; set; } = "Hi! Ask me anything.";

    /// <summary>BotConfig's public flag (listed for discovery).</summary>
    public bool IsPublic { get; set; } = true;
}

public static class BotPlatforms
{
    public const string BubbleTea = "bubbletea";
    public const string Webhook = "webhook";
}

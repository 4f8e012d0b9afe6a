using Microsoft.Extensions.Configuration;

namespace Parley.Configuration;

/// <summary>
/// The seeds' environment variable names (OPENAI_API_KEY, MAX_HISTORY_MESSAGES, HOST, PORT, ...)
/// mapped onto Parley's configuration keys, in this one place. They win over appsettings.json.
/// </summary>
public static class SeedEnvironment
{
    /// <summary>Seed name → configuration key, for names that map one to one.</summary>
    public static readonly IReadOnlyDictionary<string, string> DirectKeys = new Dictionary<string, string>
    {
        ["OPENAI_API_KEY"] = "Parley:Providers:openai:ApiKey",
        ["OPENAI_API_BASE"] = "Parley:Providers:openai:BaseUrl",
        ["OPENAI_BASE_URL"] = "Parley:Providers:openai:BaseUrl",
        ["OPENAI_MAX_TOKENS"] = "Parley:MaxTokens",
        ["OPENAI_TEMPERATURE"] = "Parley:Temperature",
        ["MAX_HISTORY_MESSAGES"] = "Parley:MaxHistoryMessages",
        ["ANTHROPIC_API_KEY"] = "Parley:Providers:anthropic:ApiKey",
        ["ANTHROPIC_BASE_URL"] = "Parley:Providers:anthropic:BaseUrl",
        ["PARLEY_DATA_DIR"] = "Parley:DataDirectory",
        ["DATABASE_URL"] = "Parley:Database:ConnectionString",
        ["PARLEY_DEFAULT_MODEL"] = "Parley:DefaultModel",
        // Seed 001 (Kafka worker); VISION_MODEL applies to every surface.
        ["VISION_MODEL"] = "Parley:VisionModel",
        ["BOOTSTRAP_SERVER"] = "Parley:Kafka:BootstrapServers",
        ["CONSUMER_GROUP"] = "Parley:Kafka:ConsumerGroup",
        ["MODEL"] = "Parley:Kafka:Model",
        ["MAX_TOKENS"] = "Parley:Kafka:MaxTokens",
        ["TEMPERATURE"] = "Parley:Kafka:Temperature",
        ["MAX_RETRIES"] = "Parley:Kafka:MaxRetries",
        ["TIMEOUT"] = "Parley:Kafka:TimeoutSeconds",
        ["REQUESTS_PER_MINUTE"] = "Parley:Limits:RequestsPerMinute",
        ["DAILY_TOKEN_LIMIT"] = "Parley:Limits:DailyTokenLimit",
        // The first administrator of accounts mode (containers set these from a secret).
        ["PARLEY_ADMIN_USER"] = "Parley:Auth:AdminUser",
        ["PARLEY_ADMIN_PASSWORD"] = "Parley:Auth:AdminPassword",
        ["PARLEY_AUTH_MODE"] = "Parley:Auth:Mode",
        // Seed 004 (Redis-backed history) and the shared state of several instances.
        ["REDIS_URL"] = "Parley:Redis:Url",
        ["HISTORY_MAX_TURNS"] = "Parley:Redis:HistoryMaxTurns",
        ["HISTORY_TTL_SECONDS"] = "Parley:Redis:HistoryTtlSeconds",
        ["PARLEY_STORAGE_PROVIDER"] = "Parley:Storage:Provider",
    };

    /// <summary>Seed names that set more than one key, for the configuration reference.</summary>
    public static readonly IReadOnlyList<(string Variable, string Meaning)> CompositeVariables =
    [
        ("OPENAI_MODEL", "`Parley:Providers:openai:Models:0` (with an OpenAI key or base URL): the OpenAI model listed and used by default"),
        ("ANTHROPIC_MODEL", "`Parley:Providers:anthropic:Models:0` (with an Anthropic key)"),
        ("BUBBLETEA_API_KEY", "creates the `gpt-assistant` bot (`Parley:Bots:Bots:gpt-assistant`, platform `bubbletea`) with this API key"),
        ("BUBBLETEA_API_URL", "`Parley:Bots:Bots:gpt-assistant:ApiUrl` (with `BUBBLETEA_API_KEY`); default `https://backend.bubbletea.chat`"),
        ("BUBBLETEA_WEBHOOK_SECRET", "`Parley:Bots:Bots:gpt-assistant:WebhookSecret` (with `BUBBLETEA_API_KEY`)"),
        ("HOST", "the listen address (`urls`); `0.0.0.0` listens on every interface; default `127.0.0.1`"),
        ("PORT", $"the listen port (`urls`); default `{ServerDefaults.Port}`"),
    ];

    public static void AddSeedEnvironment(this IConfigurationBuilder builder, IReadOnlyDictionary<string, string?> environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key) in DirectKeys)
        {
            if (Get(environment, name) is { } value)
                values[key] = value;
        }

        var openAI = Get(environment, "OPENAI_API_KEY") is not null || Get(environment, "OPENAI_API_BASE") is not null
            || Get(environment, "OPENAI_BASE_URL") is not null;
        if (openAI)
        {
            values["Parley:Providers:openai:Kind"] = "openai";
            if (Get(environment, "OPENAI_MODEL") is { } model)
                values["Parley:Providers:openai:Models:0"] = model;
        }
        if (Get(environment, "ANTHROPIC_API_KEY") is not null)
        {
            values["Parley:Providers:anthropic:Kind"] = "anthropic";
            if (Get(environment, "ANTHROPIC_MODEL") is { } model)
                values["Parley:Providers:anthropic:Models:0"] = model;
        }

        if (Get(environment, "BUBBLETEA_API_KEY") is { } bubbleTeaKey)
        {
            // Seed 000: the key alone creates the gpt-assistant bot.
            const string bot = "Parley:Bots:Bots:gpt-assistant";
            values[$"{bot}:Platform"] = "bubbletea";
            values[$"{bot}:ApiKey"] = bubbleTeaKey;
            values[$"{bot}:DisplayName"] = "GPT Assistant";
            if (Get(environment, "BUBBLETEA_API_URL") is { } apiUrl)
                values[$"{bot}:ApiUrl"] = apiUrl;
            if (Get(environment, "BUBBLETEA_WEBHOOK_SECRET") is { } secret)
                values[$"{bot}:WebhookSecret"] = secret;
        }

        if (Urls(environment) is { } urls)
            values["urls"] = urls;

        builder.AddInMemoryCollection(values);
    }

    /// <summary>HOST and PORT (seed 002) become Kestrel's URL; either alone keeps the other's default.</summary>
    private static string? Urls(IReadOnlyDictionary<string, string?> environment)
    {
        var host = Get(environment, "HOST");
        var port = Get(environment, "PORT");
        if (host is null && port is null)
            return null;
        host ??= "127.0.0.1";
        if (host is "0.0.0.0" or "*")
            host = "*";
        else if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
            host = $"[{host}]";
        return $"http://{host}:{port ?? ServerDefaults.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string? Get(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

public static class ServerDefaults
{
    public const int Port = 8080;

    public const string Url = "http://127.0.0.1:8080";
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

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
        ["API_V1"] = "Parley:ApiV1",
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
        ["SECRET_KEY"] = "Parley:Kafka:SecretKey",
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
        ("VISION_MODEL (a bare name)", "a name without a provider (`gpt-4o-latest`) with OpenAI configured becomes `openai/gpt-4o-latest` and is added to `Parley:Providers:openai:VisionModels`, so the provider's other models send images to it"),
        ("LOG_LEVEL", "`Logging:LogLevel:Default`: `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL` (and .NET's own level names)"),
        ("REDIS_URL (alone)", "without `DATABASE_URL` (and without `PARLEY_STORAGE_PROVIDER`) it also makes Redis the conversation history store (`Parley:Storage:Provider` = `redis`)"),
        ("OPENAI_MODEL, OPENAI_MAX_TOKENS, OPENAI_TEMPERATURE (bot)", "the `gpt-assistant` bot's `Model` (`openai/…`, default `gpt-4` when OpenAI is configured), `MaxTokens` (default 1000) and `Temperature` (default 0.7) unless `Parley:Bots:Bots:gpt-assistant:*` sets them"),
        ("NAME_FILE", "every variable in this table can instead name a file holding its value (`OPENAI_API_KEY_FILE=/run/secrets/openai`, as container secrets are mounted); the variable itself wins when both are set"),
        ("HOST", "the listen address (`urls`); `0.0.0.0` listens on every interface; default `127.0.0.1`"),
        ("PORT", $"the listen port (`urls`); default `{ServerDefaults.Port}`"),
        ("MALLOC_ARENA_MAX", "read by glibc, not by Parley: its cap on malloc arenas. The container image sets `2`: in a 10-minute soak at 300 req/s RSS then grew 156 KiB/min instead of 1,613 with glibc's default (8 per core); set it the same way when running Parley outside the image"),
    ];

    /// <summary>
    /// Adds two layers: the seed variables, which win over appsettings.json and <c>Parley__…</c> variables, and the seed
    /// services' own defaults (the <c>gpt-assistant</c> bot's model, token cap, temperature and display name; Redis as
    /// the history store when <c>REDIS_URL</c> is the only store named), which lose to every other source.
    /// </summary>
    public static void AddSeedEnvironment(this IConfigurationBuilder builder, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(builder);
        environment = WithSecretFiles(environment);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
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
            // Seed 001: a bare VISION_MODEL is an OpenAI model that reads images; the provider's other models do not.
            if (Get(environment, "VISION_MODEL") is { } vision && !vision.Contains('/', StringComparison.Ordinal))
            {
                values["Parley:VisionModel"] = $"openai/{vision}";
                values["Parley:Providers:openai:VisionModels:0"] = vision;
            }
        }
        if (Get(environment, "ANTHROPIC_API_KEY") is not null)
        {
            values["Parley:Providers:anthropic:Kind"] = "anthropic";
            if (Get(environment, "ANTHROPIC_MODEL") is { } model)
                values["Parley:Providers:anthropic:Models:0"] = model;
        }

        if (Get(environment, "LOG_LEVEL") is { } logLevel)
            values["Logging:LogLevel:Default"] = LogLevelName(logLevel);

        if (Get(environment, "BUBBLETEA_API_KEY") is { } bubbleTeaKey)
        {
            // Seed 000: the key alone creates the gpt-assistant bot, with the seed bot's own defaults underneath.
            const string bot = "Parley:Bots:Bots:gpt-assistant";
            values[$"{bot}:ApiKey"] = bubbleTeaKey;
            if (Get(environment, "BUBBLETEA_API_URL") is { } apiUrl)
                values[$"{bot}:ApiUrl"] = apiUrl;
            if (Get(environment, "BUBBLETEA_WEBHOOK_SECRET") is { } secret)
                values[$"{bot}:WebhookSecret"] = secret;
            defaults[$"{bot}:Platform"] = "bubbletea";
            defaults[$"{bot}:DisplayName"] = "GPT Assistant";
            if (openAI)
                defaults[$"{bot}:Model"] = $"openai/{Get(environment, "OPENAI_MODEL") ?? "gpt-4"}";
            defaults[$"{bot}:MaxTokens"] = Get(environment, "OPENAI_MAX_TOKENS") ?? "1000";
            defaults[$"{bot}:Temperature"] = Get(environment, "OPENAI_TEMPERATURE") ?? "0.7";
        }

        // Seed 004: REDIS_URL alone keeps the history in Redis; DATABASE_URL or PARLEY_STORAGE_PROVIDER decide otherwise.
        if (Get(environment, "REDIS_URL") is not null && Get(environment, "DATABASE_URL") is null)
            defaults["Parley:Storage:Provider"] = "redis";

        if (Urls(environment) is { } urls)
            values["urls"] = urls;

        builder.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
        builder.AddInMemoryCollection(values);
    }

    /// <summary>Seed 001's LOG_LEVEL names (Python's) as .NET log levels; .NET's own names pass through.</summary>
    private static string LogLevelName(string value) => value.ToUpperInvariant() switch
    {
        "DEBUG" => "Debug",
        "INFO" => "Information",
        "WARNING" or "WARN" => "Warning",
        "ERROR" => "Error",
        "CRITICAL" or "FATAL" => "Critical",
        "NOTSET" => "Trace",
        _ => value,
    };

    /// <summary>
    /// <c>NAME_FILE</c> for every seed variable <c>NAME</c> that is unset: the file's content (trimmed) becomes the value,
    /// as container platforms mount secrets. An unreadable or oversized file stops startup with its variable's name.
    /// </summary>
    private static Dictionary<string, string?> WithSecretFiles(IReadOnlyDictionary<string, string?> environment)
    {
        const int maxBytes = 64 * 1024;
        var result = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
        foreach (var (variable, value) in environment)
        {
            if (!variable.EndsWith("_FILE", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(value))
                continue;
            var name = variable[..^5];
            if (!IsSeedVariable(name) || Get(environment, name) is not null)
                continue;
            var path = value.Trim();
            try
            {
                var info = new FileInfo(path);
                if (info.Exists && info.Length > maxBytes)
                    throw new ConfigurationException($"{variable} names {path}, which is larger than {maxBytes / 1024} KB; it should hold only the value of {name}.");
                result[name] = File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"{variable} names {path}, which cannot be read ({ex.Message}); fix the path or set {name} instead.", ex);
            }
        }
        return result;
    }

    private static bool IsSeedVariable(string name) =>
        DirectKeys.ContainsKey(name) || name is "OPENAI_MODEL" or "ANTHROPIC_MODEL" or "BUBBLETEA_API_KEY" or "BUBBLETEA_API_URL"
            or "BUBBLETEA_WEBHOOK_SECRET" or "LOG_LEVEL" or "HOST" or "PORT";

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

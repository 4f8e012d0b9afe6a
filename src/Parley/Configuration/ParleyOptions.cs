using Parley.Providers;

namespace Parley.Configuration;

/// <summary>The <c>Parley</c> configuration section. Seed environment names map onto it in <see cref="SeedEnvironment"/>.</summary>
public sealed class ParleyOptions
{
    public const string Section = "Parley";

    /// <summary><c>provider/model</c> or an alias; when empty, the first configured real provider's model, else <c>mock/echo</c>.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Short names for models, e.g. <c>fast → openai/gpt-4o-mini</c>.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Seed 001's VISION_MODEL: where messages with images go when the chosen model cannot see.</summary>
    public string? VisionModel { get; set; }

    /// <summary>Where the SQLite database (and later files) live; relative paths are under the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed 002's MAX_HISTORY_MESSAGES: history messages sent to the model (system prompt not counted).</summary>
    public int MaxHistoryMessages { get; set; } = 50;

    /// <summary>Token budget for history when a model's provider sets no context window.</summary>
    public int DefaultContextWindowTokens { get; set; } = 32_000;

    /// <summary>Seeds' OPENAI_MAX_TOKENS: the default cap on reply tokens.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Seeds' OPENAI_TEMPERATURE: the default sampling temperature (0–2).</summary>
    public double? Temperature { get; set; }

    /// <summary>Largest request body accepted on any API, in bytes (413 above it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Largest image accepted, in decoded bytes.</summary>
    public int MaxImageBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Images allowed on one message.</summary>
    public int MaxImagesPerMessage { get; set; } = 8;

    /// <summary>Longest message text accepted, in characters.</summary>
    public int MaxMessageChars { get; set; } = 100_000;

    /// <summary>On shutdown (SIGTERM), how long running replies may go on before they are ended with an error event.</summary>
    public int ShutdownGraceSeconds { get; set; } = 20;

    /// <summary>Display name shown by the web app.</summary>
    public string Name { get; set; } = "Parley";

    /// <summary>Seed 003's <c>functions</c>: markdown headers shown on tool-call cards, by function name.</summary>
    public Dictionary<string, string> FunctionHeaders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Seed 002's API_V1: the prefix its stateless chat also answers under (<c>{ApiV1}/chat</c>, besides <c>/api/chat</c>).
    /// </summary>
    public string ApiV1 { get; set; } = "/api/v1";

    /// <summary>Seed 003's <c>messages</c>: the first messages of every new chat (the handler and the model see them).</summary>
    public List<PreloadedMessage> PreloadedMessages { get; set; } = [];
}

public sealed class PreloadedMessage
{
    /// <summary><c>user</c> or <c>assistant</c>.</summary>
    public string Role { get; set; } = "assistant";

    /// <summary>The message text (markdown).</summary>
    public string Content { get; set; } = "";
}

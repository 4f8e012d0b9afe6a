namespace Parley.Providers;

/// <summary>One configured provider: a kind of API, where it is, and the models it serves.</summary>
public sealed class ProviderOptions
{
    /// <summary><c>openai</c> (and any OpenAI-compatible server), <c>anthropic</c>, <c>llama</c> (a GGUF file run in-process), <c>mock</c> or <c>handler</c> (library mode).</summary>
    public string Kind { get; set; } = ProviderKinds.OpenAI;

    /// <summary>The provider's API key; never logged or shown by /health.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API root, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Model ids this provider serves, without the provider prefix.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>The subset of <see cref="Models"/> that accept images; empty means "assume all".</summary>
    public List<string> VisionModels { get; set; } = [];

    /// <summary>
    /// Embedding model ids this provider serves for <c>/v1/embeddings</c> (OpenAI-compatible providers; the mock has
    /// <c>mock/embed</c>), listed in <c>/v1/models</c>.
    /// </summary>
    public List<string> EmbeddingModels { get; set; } = [];

    /// <summary>Upper bound for one provider call (seed 001's TIMEOUT, in seconds).</summary>
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>Default max output tokens when a request sets none (Anthropic requires one).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>Context window in tokens, used to budget history; 0 means "use Parley's default".</summary>
    public int ContextWindowTokens { get; set; }

    /// <summary>
    /// Relay requests of the provider's own API (an OpenAI-compatible provider: <c>/v1/chat/completions</c>; an Anthropic provider: <c>/v1/messages</c>) byte for byte,
    /// only the model rewritten, and its replies back as they arrive. Off: translate them like any other provider's.
    /// </summary>
    public bool Relay { get; set; } = true;

    /// <summary>
    /// For an OpenAI-compatible provider: its upstream also serves OpenAI's Responses API (<c>POST {BaseUrl}/responses</c>), so
    /// <c>/v1/responses</c> requests are relayed to it like chat completions (when <see cref="Relay"/> is on). Off: they are
    /// translated to chat completions, which every OpenAI-compatible server speaks.
    /// </summary>
    public bool ServesResponses { get; set; }

    /// <summary>
    /// When a request must be translated for this provider, drop what has no translation (listed in the
    /// <c>x-parley-dropped-params</c> response header) instead of refusing the request with a 400.
    /// </summary>
    public bool DropUnsupportedParams { get; set; }

    /// <summary>The window history is fitted to: <see cref="ContextWindowTokens"/>, else a local model's context size, else 0 (Parley's default).</summary>
    public int EffectiveContextWindow => ContextWindowTokens > 0 ? ContextWindowTokens : Kind == ProviderKinds.Llama ? Llama.ContextSize : 0;

    /// <summary>For <c>llama</c>: the GGUF file to run (relative paths are under the data directory's <c>models</c> folder, then the working directory).</summary>
    public string? ModelPath { get; set; }

    /// <summary>For <c>llama</c>: context size, threads, batch size, GPU layers, chat template, parallel replies and queue.</summary>
    public Parley.Providers.Llama.LlamaOptions Llama { get; set; } = new();
}

public static class ProviderKinds
{
    public const string OpenAI = "openai";
    public const string Anthropic = "anthropic";
    public const string Mock = "mock";

    /// <summary>A GGUF model run inside Parley by llama.cpp.</summary>
    public const string Llama = "llama";

    /// <summary>The app's own message handler (library mode, <c>ParleyApp.OnMessage</c>).</summary>
    public const string Handler = "handler";
}

namespace Parley.Providers.Llama;

/// <summary>
/// How a <c>llama</c> provider runs its GGUF file inside Parley (<c>Parley:Providers:{name}:Llama</c>); the file itself
/// is the provider's <see cref="ProviderOptions.ModelPath"/>.
/// </summary>
public sealed class LlamaOptions
{
    /// <summary>Context window in tokens for each sequence (prompt and reply together); 0 takes the model's own.</summary>
    public int ContextSize { get; set; } = 2048;

    /// <summary>CPU threads for generation; 0 lets llama.cpp choose.</summary>
    public int Threads { get; set; }

    /// <summary>Tokens evaluated per batch while reading the prompt.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Layers offloaded to a GPU when the native backend has one; ignored by the CPU backend.</summary>
    public int GpuLayers { get; set; }

    /// <summary>
    /// <c>auto</c> uses the template in the GGUF's metadata and falls back to <c>plain</c>; a llama.cpp template name
    /// (<c>chatml</c>, <c>llama3</c>, <c>llama2</c>, <c>mistral-v7</c>, <c>phi3</c>, <c>gemma</c>, <c>zephyr</c>, …) forces that
    /// one; <c>plain</c> writes "User:"/"Assistant:" turns for models without a chat template.
    /// </summary>
    public string ChatTemplate { get; set; } = "auto";

    /// <summary>Replies generated at once; each has its own context (its KV cache), the weights are loaded once.</summary>
    public int Parallel { get; set; } = 1;

    /// <summary>Requests that may wait for a free sequence; beyond that a request gets 503 with Retry-After.</summary>
    public int MaxQueue { get; set; } = 16;

    /// <summary>Load the weights while the server starts (true) or on the first request (false).</summary>
    public bool LoadOnStartup { get; set; } = true;
}

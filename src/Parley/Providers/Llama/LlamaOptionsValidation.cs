namespace Parley.Providers.Llama;

/// <summary>The startup checks of a <c>llama</c> provider's settings (the file itself is checked when it loads).</summary>
internal static class LlamaOptionsValidation
{
    public static IEnumerable<string> Check(string key, ProviderOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ModelPath))
            yield return $"{key}:ModelPath must name a GGUF file for a llama provider.";
        var llama = settings.Llama;
        if (llama.ContextSize is < 0 or > 1_048_576)
            yield return $"{key}:Llama:ContextSize must be between 0 (the model's own) and 1048576, not {llama.ContextSize}.";
        if (llama.Threads is < 0 or > 1024)
            yield return $"{key}:Llama:Threads must be between 0 (automatic) and 1024, not {llama.Threads}.";
        if (llama.BatchSize is < 1 or > 65536)
            yield return $"{key}:Llama:BatchSize must be between 1 and 65536, not {llama.BatchSize}.";
        if (llama.GpuLayers < 0)
            yield return $"{key}:Llama:GpuLayers must not be negative.";
        if (llama.Parallel is < 1 or > 64)
            yield return $"{key}:Llama:Parallel must be between 1 and 64, not {llama.Parallel}.";
        if (llama.MaxQueue is < 0 or > 10_000)
            yield return $"{key}:Llama:MaxQueue must be between 0 and 10000, not {llama.MaxQueue}.";
    }
}

using LLama.Exceptions;

namespace Parley.Providers.Llama;

/// <summary>Checks a GGUF file before llama.cpp reads it, and says in one line what is wrong with one that fails.</summary>
public static class LlamaFiles
{
    /// <summary>Every GGUF file starts with these four bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="path"/> exists and starts like a GGUF file.</summary>
    public static void EnsureModelFile(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"there is no file at {path}", path);
        if (!StartsLikeGguf(path))
            throw new InvalidDataException($"{path} is not a GGUF model file (it does not start with 'GGUF')");
    }

    public static bool StartsLikeGguf(string path)
    {
        Span<byte> header = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(header, 4, throwOnEndOfStream: false) == 4 && header.SequenceEqual(Magic);
    }

    /// <summary>One line naming the setting to fix.</summary>
    public static string Describe(string provider, string path, Exception error)
    {
        var setting = $"Parley:Providers:{provider}:ModelPath";
        var reason = error switch
        {
            FileNotFoundException => $"there is no file at {path}",
            InvalidDataException invalid => invalid.Message,
            LoadWeightsFailedException => $"llama.cpp could not load {path} (a truncated file, or an architecture this llama.cpp does not support)",
            DllNotFoundException or TypeInitializationException or RuntimeError => $"llama.cpp's native library could not be loaded on this machine ({error.Message})",
            _ => $"{path} could not be loaded ({error.Message})",
        };
        return $"The local model '{provider}' is unavailable: {reason}. Check {setting}; the other providers keep working.";
    }
}

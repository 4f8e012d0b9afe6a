using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Parley.Providers.Llama;

/// <summary>
/// <c>models pull</c>: downloads a GGUF file into the data directory's <c>models</c> folder. A cut download leaves a
/// <c>.part</c> file that the next pull continues with an HTTP range request; the file is checked to be GGUF and, when a
/// checksum is given, to match it before it takes its name.
/// </summary>
public sealed class ModelDownloader(HttpClient http, string modelsFolder, TextWriter progress)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Downloads <paramref name="url"/>; returns the saved file's path. Throws <see cref="ModelPullException"/> with a sentence.</summary>
    public async Task<string> PullAsync(Uri url, string? expectedSha256, string? fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme is not ("http" or "https"))
            throw new ModelPullException($"Only http and https URLs can be pulled, not {url.Scheme}.");
        var name = ChooseName(url, fileName);
        if (expectedSha256 is not null && (expectedSha256.Length != 64 || !expectedSha256.All(Uri.IsHexDigit)))
            throw new ModelPullException("--sha256 must be 64 hexadecimal characters.");
        Directory.CreateDirectory(modelsFolder);
        var target = Path.Combine(modelsFolder, name);
        var partial = target + ".part";

        var resumeFrom = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (resumeFrom > 0)
            request.Headers.Range = new RangeHeaderValue(resumeFrom, null);
        using var response = await Send(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && resumeFrom > 0)
            resumeFrom = -1; // the part file is already whole (or longer than the file): verify it as it is
        else if (!response.IsSuccessStatusCode)
            throw new ModelPullException($"{url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase} for {url.AbsolutePath}.");
        else if (resumeFrom > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            resumeFrom = 0; // the server ignored the range: start again

        if (resumeFrom >= 0)
        {
            if (resumeFrom > 0)
                await progress.WriteLineAsync($"Resuming {name} at {Megabytes(resumeFrom)}.");
            var total = response.Content.Headers.ContentLength is { } length ? length + resumeFrom : (long?)null;
            await using var file = new FileStream(partial, resumeFrom > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await Copy(body, file, resumeFrom, total, name, cancellationToken);
        }

        if (!LlamaFiles.StartsLikeGguf(partial))
        {
            File.Delete(partial);
            throw new ModelPullException($"{url} is not a GGUF model file (it does not start with 'GGUF'); nothing was saved.");
        }
        var actual = await Sha256Of(partial, cancellationToken);
        if (expectedSha256 is not null && !actual.Equals(expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new ModelPullException($"The download's SHA-256 is {actual}, not the expected {expectedSha256.ToLowerInvariant()}; the file was deleted.");
        }
        File.Move(partial, target, overwrite: true);
        await progress.WriteLineAsync($"Saved {target} ({Megabytes(new FileInfo(target).Length)}, sha256 {actual}).");
        return target;
    }

    /// <summary>The GGUF files in the models folder, with their sizes.</summary>
    public static IReadOnlyList<(string Name, long Bytes, bool Complete)> List(string modelsFolder) =>
        !Directory.Exists(modelsFolder) ? []
        : [.. new DirectoryInfo(modelsFolder).EnumerateFiles()
            .Where(f => f.Name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || f.Name.EndsWith(".gguf.part", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => (f.Name, f.Length, !f.Name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)))];

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelPullException($"{request.RequestUri!.Host} could not be reached: {ex.Message}");
        }
    }

    private async Task Copy(Stream body, FileStream file, long done, long? total, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var startedAt = done;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                done += read;
                if (clock.Elapsed - lastReport >= ReportEvery)
                {
                    lastReport = clock.Elapsed;
                    await progress.WriteLineAsync(Bar(name, done, total, (done - startedAt) / Math.Max(0.001, clock.Elapsed.TotalSeconds)));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            await file.FlushAsync(CancellationToken.None);
            throw new ModelPullException($"The download was cut at {Megabytes(done)}: {ex.Message}. Run the same command again to continue from there.");
        }
        if (total is { } expected && done < expected)
            throw new ModelPullException($"The download was cut at {Megabytes(done)} of {Megabytes(expected)}. Run the same command again to continue from there.");
        await progress.WriteLineAsync(Bar(name, done, total ?? done, (done - startedAt) / Math.Max(0.001, clock.Elapsed.TotalSeconds)));
    }

    private static string Bar(string name, long done, long? total, double bytesPerSecond)
    {
        if (total is not > 0)
            return $"{name}: {Megabytes(done)} ({Megabytes((long)bytesPerSecond)}/s)";
        var fraction = Math.Clamp((double)done / total.Value, 0, 1);
        var filled = (int)(fraction * 30);
        return $"{name} [{new string('#', filled)}{new string('.', 30 - filled)}] {fraction * 100,3:0}% {Megabytes(done)} of {Megabytes(total.Value)} ({Megabytes((long)bytesPerSecond)}/s)";
    }

    private static string ChooseName(Uri url, string? fileName)
    {
        var name = string.IsNullOrWhiteSpace(fileName) ? Uri.UnescapeDataString(url.Segments[^1]) : fileName.Trim();
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.StartsWith('.') || name.Length > 200)
            throw new ModelPullException($"'{name}' cannot be a model file name; give one with --name (e.g. --name model.gguf).");
        return name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? name : name + ".gguf";
    }

    private static async Task<string> Sha256Of(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private static string Megabytes(long bytes) => $"{bytes / 1048576.0:0.0} MB";
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Bench.Processes;
using Parley.Bench.Reporting;

namespace Parley.Bench.Scenarios;

/// <summary>
/// A GGUF model run inside Parley (the <c>llama</c> provider) against llama.cpp's own <c>llama-server</c> on the same
/// file, threads and prompt, when <c>llama-server</c> is on the PATH: prompt-processing and generation rates and time
/// to first token, measured by the client over streamed /v1/chat/completions.
/// </summary>
public sealed partial class Suite
{
    private const string LocalPrompt = "Once upon a time, there was a little girl named Lily. She liked to play in the park with her dog.";
    private const int LocalThreads = 2;

    private async Task LocalModelAsync(ScenarioResult scenario)
    {
        if (FindTestModel() is not { } model)
        {
            await NotAvailable(scenario, "shared/models/stories260K.gguf was not found above the working directory");
            return;
        }
        var requests = options.Smoke ? 3 : 20;
        var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, [], extraEnvironment: new Dictionary<string, string>
        {
            ["Parley__Providers__local__Kind"] = "llama",
            ["Parley__Providers__local__ModelPath"] = model,
            ["Parley__Providers__local__Llama__Threads"] = LocalThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Parley__Providers__local__Llama__ContextSize"] = "2048",
            ["PARLEY_DEFAULT_MODEL"] = "local/stories260K",
        });
        _owned.Add(parley);
        try
        {
            var ours = await MeasureGenerationAsync(parley.Address, "local/stories260K", requests);
            Record(scenario, "parley", ours);
        }
        finally
        {
            await StopAsync(parley);
        }

        if (FindOnPath("llama-server") is not { } server)
        {
            scenario.Notes.Add("llama-server is not installed here (Debian 12 has no llama.cpp package), so there is no side-by-side rate; shared/models/README.md gives about 3,000 tokens/s for it on this machine");
            return;
        }
        var port = ChildProcess.FreePort();
        var llama = ChildProcess.Start("llama-server", server,
            ["-m", model, "-t", LocalThreads.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "2048", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(), port, Path.GetTempPath(), ownsWorkingDirectory: false);
        _owned.Add(llama);
        try
        {
            await llama.WaitReadyAsync("/health", TimeSpan.FromSeconds(60));
            var theirs = await MeasureGenerationAsync(llama.Address, "stories260K", requests);
            Record(scenario, "llama_server", theirs);
            scenario.Metrics["generation_ratio_parley_to_llama_server"] = scenario.Metrics["parley_generation_tokens_per_s"] / Math.Max(1e-9, theirs.GenerationRate);
        }
        finally
        {
            await StopAsync(llama);
        }
    }

    private static void Record(ScenarioResult scenario, string who, GenerationRun run)
    {
        scenario.Metrics[$"{who}_generation_tokens_per_s"] = run.GenerationRate;
        scenario.Metrics[$"{who}_prompt_tokens_per_s"] = run.PromptRate;
        scenario.Metrics[$"{who}_ttft_p50_ms"] = run.TimeToFirstTokenP50Ms;
        scenario.Metrics[$"{who}_completion_tokens"] = run.CompletionTokens;
    }

    private sealed record GenerationRun(double GenerationRate, double PromptRate, double TimeToFirstTokenP50Ms, long CompletionTokens);

    /// <summary>Sequential streamed requests (greedy, 256 tokens at most): generation tokens/s between the first and last token.</summary>
    private static async Task<GenerationRun> MeasureGenerationAsync(Uri address, string model, int requests)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var firstTokens = new List<double>();
        double generatingSeconds = 0, promptSeconds = 0;
        long generated = 0, prompted = 0;
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new
                {
                    model,
                    stream = true,
                    stream_options = new { include_usage = true },
                    max_tokens = 256,
                    temperature = 0,
                    messages = new[] { new { role = "user", content = LocalPrompt } },
                }),
            };
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            TimeSpan? first = null, last = null;
            long completion = 0, prompt = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                    continue;
                using var chunk = JsonDocument.Parse(line.AsMemory(6));
                var root = chunk.RootElement;
                if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                    && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
                {
                    var at = Stopwatch.GetElapsedTime(started);
                    first ??= at;
                    last = at;
                }
                if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    completion = usage.GetProperty("completion_tokens").GetInt64();
                    prompt = usage.GetProperty("prompt_tokens").GetInt64();
                }
            }
            if (first is null || last is null || completion < 2)
                continue;
            firstTokens.Add(first.Value.TotalMilliseconds);
            generatingSeconds += (last.Value - first.Value).TotalSeconds;
            generated += completion - 1;
            promptSeconds += first.Value.TotalSeconds;
            prompted += prompt;
        }
        firstTokens.Sort();
        return new GenerationRun(
            generated / Math.Max(1e-9, generatingSeconds),
            prompted / Math.Max(1e-9, promptSeconds),
            firstTokens.Count == 0 ? 0 : firstTokens[firstTokens.Count / 2],
            generated);
    }

    private static string? FindTestModel()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var path = Path.Combine(folder.FullName, "shared", "models", "stories260K.gguf");
                if (File.Exists(path))
                    return path;
            }
        }
        return null;
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
}

using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Kafka;
using Parley.Providers;
using Parley.Storage;
using Parley.Tools;

namespace Parley.Operations;

/// <summary>
/// The <c>doctor</c> verb: what this configuration talks to and whether each part answers now. Providers get a
/// one-token call, the store is opened and queried, Redis gets PING, PostgreSQL (DATABASE_URL) and Kafka a
/// connect; every check is bounded by <c>timeout</c>. Exit code 0 when every required part answered.
/// Configured secrets are never printed: they are masked in every line, including upstream error messages.
/// </summary>
public sealed class Doctor(IServiceProvider services, IConfiguration configuration, TimeSpan timeout)
{
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        await output.WriteLineAsync("Parley doctor");
        List<DoctorResult> results;
        try
        {
            results = [];
            await foreach (var result in CheckAllAsync(cancellationToken))
            {
                results.Add(result);
                await output.WriteLineAsync(Format(result));
            }
        }
        catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
        {
            await output.WriteLineAsync(Format(new DoctorResult("configuration", DoctorStatus.Fail, problem)));
            await output.WriteLineAsync("Result: the configuration is invalid; Parley would not start.");
            return 1;
        }

        var failed = results.Count(r => r.Blocks);
        await output.WriteLineAsync(failed == 0
            ? "Result: every required part is reachable."
            : $"Result: {failed} required part{(failed == 1 ? " is" : "s are")} not reachable.");
        return failed == 0 ? 0 : 1;
    }

    private async IAsyncEnumerable<DoctorResult> CheckAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        yield return new DoctorResult("default model", catalog.Default.IsMock ? DoctorStatus.Warn : DoctorStatus.Ok,
            catalog.Default.IsMock ? $"{catalog.Default.Id}: only the offline mock answers (set OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENAI_API_BASE)" : catalog.Default.Id);
        foreach (var (name, provider) in catalog.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
            yield return await CheckProviderAsync(catalog, name, provider, cancellationToken);

        yield return await CheckStoreAsync(cancellationToken);
        yield return await CheckDatabaseUrlAsync(cancellationToken);
        yield return await CheckRedisAsync(cancellationToken);
        yield return await CheckKafkaAsync(cancellationToken);
        foreach (var result in CheckTools())
            yield return result;
    }

    private async Task<DoctorResult> CheckProviderAsync(ModelCatalog catalog, string name, ProviderOptions provider, CancellationToken cancellationToken)
    {
        var part = $"provider {name}";
        var where = string.IsNullOrEmpty(provider.BaseUrl) ? provider.Kind : $"{provider.Kind}, {WithoutUserInfo(provider.BaseUrl)}";
        if (provider.Kind == ProviderKinds.Handler)
            return new DoctorResult(part, DoctorStatus.Skip, "the app's own handler (library mode)");
        var model = catalog.Listed.FirstOrDefault(m => string.Equals(m.Provider, name, StringComparison.OrdinalIgnoreCase));
        if (model is null)
            return new DoctorResult(part, DoctorStatus.Fail, $"{where}: no model listed");

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var client = services.GetRequiredService<ProviderClients>().Create(model, provider);
            var options = new ChatOptions { MaxOutputTokens = 1, Temperature = 0 };
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, "ping")], options, bounded.Token);
            return new DoctorResult(part, DoctorStatus.Ok, $"{where}: {model.Id} answered a 1-token call in {watch.ElapsedMilliseconds} ms");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DoctorResult(part, DoctorStatus.Fail, $"{where}: {model.Id} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new DoctorResult(part, DoctorStatus.Fail, $"{where}: {model.Id} failed: {FirstLine(ex.Message)}");
        }
    }

    private async Task<DoctorResult> CheckStoreAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IConversationStore>();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await store.IsHealthyAsync(bounded.Token)
                ? new DoctorResult("store", DoctorStatus.Ok, $"{store.Kind}: opened and queried")
                : new DoctorResult("store", DoctorStatus.Fail, $"{store.Kind}: could not be opened or queried");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DoctorResult("store", DoctorStatus.Fail, $"{store.Kind}: no answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<DoctorResult> CheckDatabaseUrlAsync(CancellationToken cancellationToken)
    {
        if (Setting("DATABASE_URL") is not { } url)
            return new DoctorResult("postgresql", DoctorStatus.Skip, "DATABASE_URL is not set");
        if (NetworkEndpoints.ParseDatabaseUrl(url) is not { } target)
            return new DoctorResult("postgresql", DoctorStatus.Fail, "DATABASE_URL is neither a postgres:// URL nor a connection string with Host=");
        var problem = await NetworkEndpoints.TryConnectAsync(target.Host, target.Port, timeout, cancellationToken);
        return problem is null
            ? new DoctorResult("postgresql", DoctorStatus.Ok, $"{target.Host}:{target.Port} accepts connections")
            : new DoctorResult("postgresql", DoctorStatus.Fail, $"{target.Host}:{target.Port}: {problem}");
    }

    private async Task<DoctorResult> CheckRedisAsync(CancellationToken cancellationToken)
    {
        if (Setting("REDIS_URL") is not { } url)
            return new DoctorResult("redis", DoctorStatus.Skip, "REDIS_URL is not set");
        var target = RedisPing.Parse(url);
        var name = target is { } t ? $"{t.Host}:{t.Port}" : "REDIS_URL";
        var problem = await RedisPing.PingAsync(url, timeout, cancellationToken);
        return problem is null
            ? new DoctorResult("redis", DoctorStatus.Ok, $"{name}: PONG")
            : new DoctorResult("redis", DoctorStatus.Fail, $"{name}: {problem}");
    }

    private async Task<DoctorResult> CheckKafkaAsync(CancellationToken cancellationToken)
    {
        var kafka = services.GetRequiredService<IOptions<KafkaOptions>>().Value;
        if (!kafka.Enabled)
            return new DoctorResult("kafka", DoctorStatus.Skip, "BOOTSTRAP_SERVER is not set (the worker is off)");
        var problems = new List<string>();
        foreach (var server in kafka.BootstrapServers!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (NetworkEndpoints.ParseHostPort(server, 9092) is not { } target)
            {
                problems.Add($"'{server}' is not host:port");
                continue;
            }
            if (await NetworkEndpoints.TryConnectAsync(target.Host, target.Port, timeout, cancellationToken) is not { } problem)
                return new DoctorResult("kafka", DoctorStatus.Ok, $"bootstrap server {target.Host}:{target.Port} accepts connections");
            problems.Add($"{target.Host}:{target.Port}: {problem}");
        }
        return new DoctorResult("kafka", DoctorStatus.Fail, "no bootstrap server reachable: " + string.Join("; ", problems));
    }

    private IEnumerable<DoctorResult> CheckTools()
    {
        var tools = services.GetRequiredService<IOptions<ToolsOptions>>().Value;
        var search = tools.WebSearch;
        if (string.IsNullOrWhiteSpace(search.Backend) || search.Enabled == false)
        {
            yield return new DoctorResult("web search", DoctorStatus.Skip, "no backend configured (Parley:Tools:WebSearch:Backend); the web_search tool is off");
        }
        else
        {
            var needsKey = !string.Equals(search.Backend, "searxng", StringComparison.OrdinalIgnoreCase);
            var where = string.IsNullOrEmpty(search.BaseUrl) ? search.Backend : $"{search.Backend}, {WithoutUserInfo(search.BaseUrl)}";
            yield return needsKey && string.IsNullOrEmpty(search.ApiKey)
                ? new DoctorResult("web search", DoctorStatus.Warn, $"{where}: no API key set (Parley:Tools:WebSearch:ApiKey)")
                : new DoctorResult("web search", DoctorStatus.Ok, $"{where}: configured");
        }
        var mcp = tools.Mcp.Where(s => s.Value.Enabled).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        yield return new DoctorResult("mcp servers", mcp.Count == 0 ? DoctorStatus.Skip : DoctorStatus.Ok,
            mcp.Count == 0 ? "none configured" : $"configured (connected on first use): {string.Join(", ", mcp)}");
    }

    /// <summary>
    /// DATABASE_URL and REDIS_URL are read by name, not through the PostgreSQL and Redis options classes, so this
    /// check works before and after those features are merged (and reports the same names a deployment sets).
    /// </summary>
    private string? Setting(string name) => configuration[name] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private string Format(DoctorResult result)
    {
        var status = result.Status switch
        {
            DoctorStatus.Ok => "ok  ",
            DoctorStatus.Fail => "FAIL",
            DoctorStatus.Warn => "warn",
            _ => "skip",
        };
        return $"  {status}  {result.Part}: {Mask(result.Detail)}";
    }

    /// <summary>Every configured value that looks like a secret, masked wherever it appears (an upstream may echo a key back).</summary>
    private string Mask(string text)
    {
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value) || value.Length < 4 || !LooksSecret(key))
                continue;
            text = text.Replace(value, "***", StringComparison.Ordinal);
        }
        return text;
    }

    private static bool LooksSecret(string key)
    {
        var name = key[(key.LastIndexOf(':') + 1)..].ToUpperInvariant();
        return name.Contains("KEY", StringComparison.Ordinal) || name.Contains("SECRET", StringComparison.Ordinal)
            || name.Contains("PASSWORD", StringComparison.Ordinal) || name.EndsWith("TOKEN", StringComparison.Ordinal)
            || name is "DATABASE_URL" or "REDIS_URL";
    }

    private static string WithoutUserInfo(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? url.Replace(uri.UserInfo + "@", "", StringComparison.Ordinal) : url;

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

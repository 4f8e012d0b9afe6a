using System.Net.Http.Json;
using System.Text.Json;
using Parley.Bench.Load;
using Parley.Bench.Processes;
using Parley.Bench.Reporting;

namespace Parley.Bench.Scenarios;

/// <summary>
/// Policies on: a second Parley in accounts mode, called with an API key that has its own limits (set high enough never
/// to refuse), usage recorded for every call. Measured like the "max" scenarios and compared with their Parley runs.
/// </summary>
public sealed partial class Suite
{
    public const string PoliciesTarget = "parley_policies";

    private async Task PoliciesAsync(ScenarioResult scenario)
    {
        var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, Profiles, extraEnvironment: new Dictionary<string, string>
        {
            ["PARLEY_AUTH_MODE"] = "accounts",
            ["PARLEY_ADMIN_PASSWORD"] = "bench-admin-password",
        });
        try
        {
            var key = await CreateKeyAsync(parley.Address);
            var target = new Target(PoliciesTarget, (profile, stream) => new BenchRequest(
                new Uri(parley.Address, "/v1/chat/completions"), Target.Body($"{profile}/m", stream), stream, [new("Authorization", "Bearer " + key)]));
            var runs = new[] { (Fast, false, "v1_nonstream_max"), (Stream50, true, "v1_stream_max") };
            // A fresh process: both kinds of request are warmed before either is measured, as in the main suite.
            foreach (var (profile, stream, _) in runs)
            {
                var request = target.Chat(profile.Name, stream);
                await _load.ClosedLoopAsync(target.Name, (_, _) => request, options.Connections, options.Warmup, MaxRequests);
                await UntilSteadyAsync(target, parley, request);
            }
            foreach (var (profile, stream, baseline) in runs)
            {
                var request = target.Chat(profile.Name, stream);
                await UntilSteadyAsync(target, parley, request);
                var run = await Measured(scenario, parley, () => _load.ClosedLoopAsync(target.Name, (_, _) => request, options.Connections, Measure, MaxRequests));
                var mode = stream ? "stream" : "nonstream";
                scenario.Metrics[$"{mode}_rps"] = run.Rps;
                if (scenario.Metrics.TryGetValue($"parley_cpu_us_per_request", out var cpu))
                    scenario.Metrics[$"{mode}_cpu_us_per_request"] = cpu;
                if (report.Scenarios.FirstOrDefault(s => s.Key == baseline)?.Run(Target.Parley) is { Rps: > 0 } off)
                    scenario.Metrics[$"{mode}_vs_policies_off"] = run.Rps / off.Rps;
            }
            scenario.Notes.Add("accounts mode, an API key with its own requests-per-minute, daily-token and stream limits (high enough never to refuse), usage rows recorded; compared with the policies-off Parley runs of v1_nonstream_max and v1_stream_max");
        }
        finally
        {
            await StopAsync(parley);
        }
    }

    /// <summary>Signs in as the bootstrap administrator and creates a key with limits of its own.</summary>
    private static async Task<string> CreateKeyAsync(Uri parley)
    {
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = parley, Timeout = TimeSpan.FromSeconds(30) };
        (await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "bench-admin-password" })).EnsureSuccessStatusCode();
        var created = await http.PostAsJsonAsync("/api/keys", new
        {
            name = "bench", requestsPerMinute = 100_000_000, dailyTokenLimit = 1_000_000_000_000L, maxConcurrentStreams = 10_000,
        });
        created.EnsureSuccessStatusCode();
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("key").GetString() ?? throw new InvalidOperationException("The key has no secret.");
    }
}

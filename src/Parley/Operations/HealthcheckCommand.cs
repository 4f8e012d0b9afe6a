using System.Globalization;
using Parley.Configuration;

namespace Parley.Operations;

/// <summary>
/// The <c>healthcheck</c> verb for container HEALTHCHECKs (the ASP.NET runtime image has no curl):
/// GET http://127.0.0.1:$PORT/health/live, exit 0 on 2xx and 1 otherwise.
/// </summary>
public static class HealthcheckCommand
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> environment, TextWriter output, TimeSpan? timeout = null)
    {
        var portText = environment.TryGetValue("PORT", out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var port = ServerDefaults.Port;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            await output.WriteLineAsync($"unhealthy: PORT '{portText}' is not a port number");
            return 1;
        }

        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/health/live");
        using var client = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(url);
            var healthy = response.IsSuccessStatusCode;
            await output.WriteLineAsync($"{(healthy ? "healthy" : "unhealthy")}: {url} answered {(int)response.StatusCode}");
            return healthy ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"unhealthy: {url} did not answer ({ex.GetType().Name}: {ex.Message})");
            return 1;
        }
    }
}

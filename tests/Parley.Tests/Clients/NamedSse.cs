using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Clients;

/// <summary>Reads an event stream whose frames name their event (<c>event: x\ndata: {...}</c>), as the Responses and Messages APIs send.</summary>
internal static class NamedSse
{
    public static async Task<(HttpResponseMessage Response, List<(string Name, JsonElement Data)> Events)> PostAsync(
        HttpClient client, string path, string json, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var events = new List<(string, JsonElement)>();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            return (response, events);
        foreach (var frame in raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = frame.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            events.Add((lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone()));
        }
        return (response, events);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}

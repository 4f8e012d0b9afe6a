using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using Xunit.Abstractions;

namespace Parley.Tests.Security;

/// <summary>
/// Every JSON surface, fed a bounded, seeded stream of malformed and hostile bodies derived from a valid one: wrong
/// types, huge and non-finite numbers, invalid UTF-8, lone surrogates, deep nesting, unknown fields, truncation,
/// non-object roots. Never a 5xx; a refusal is a 4xx with a sentence and leaves every stored table as it was.
/// </summary>
public sealed class JsonSurfaceFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MutationsPerSurface = 45;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    private ParleyTestServer _server = null!;
    private HttpClient _admin = null!;
    private string _conversation = null!;

    public async Task InitializeAsync()
    {
        _server = await AccountsServer.StartAsync();
        _admin = _server.ClientWithKey(await _server.CreateKeyAsync(AccountsServer.Admin));
        using var created = await _admin.PostAsync("/api/conversations", Json("""{"title":"fuzz"}"""));
        _conversation = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _server.DisposeAsync();
    }

    private IEnumerable<(HttpMethod Method, string Path, string Valid, bool Anonymous)> Surfaces() =>
    [
        (HttpMethod.Post, "/v1/chat/completions", """{"model":"mock","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"x","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"r"},{"role":"user","content":[{"type":"text","text":"go"}]}],"max_tokens":5,"temperature":0.5,"top_p":1,"stop":["x"],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto","response_format":{"type":"text"},"stream":false}""", false),
        (HttpMethod.Post, "/api/chat", """{"message":"hi","temperature":0.5,"max_tokens":5,"context":{"messages":[{"role":"user","content":"a"}]},"tools":[]}""", false),
        (HttpMethod.Post, "/api/conversations", """{"title":"t","systemPrompt":"s","model":"mock","temperature":0.5,"maxTokens":5,"tools":[]}""", false),
        (HttpMethod.Patch, $"/api/conversations/{_conversation}", """{"title":"t2","temperature":0.7,"maxTokens":10,"tools":null}""", false),
        (HttpMethod.Post, $"/api/conversations/{_conversation}/messages", """{"content":"hi","images":[],"parentId":null,"model":"mock"}""", false),
        (HttpMethod.Post, "/api/import", """{"format":"parley.export","version":1,"conversations":[{"id":"c_fuzz","title":"F","hasTitle":true,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z","messages":[{"id":"m_fuzz","role":"user","parts":[{"type":"text","text":"hi"}],"status":"complete","createdAt":"2026-01-01T00:00:00Z"}],"blobs":[]}]}""", false),
        (HttpMethod.Post, "/api/keys", """{"name":"k","models":["mock/*"],"requestsPerMinute":5,"dailyTokenLimit":100,"maxConcurrentStreams":1}""", false),
        (HttpMethod.Post, "/api/admin/users", """{"name":"fuzzer","password":"fuzzer-password","isAdmin":false}""", false),
        (HttpMethod.Put, "/api/me/retention", """{"days":30}""", false),
        (HttpMethod.Delete, "/api/me/data", """{"confirm":"not yet"}""", false),
        (HttpMethod.Post, "/api/auth/password", """{"currentPassword":"wrong-password","newPassword":"another-password"}""", false),
        (HttpMethod.Post, "/api/auth/login", """{"username":"nobody","password":"wrong-password"}""", true),
    ];

    [Fact]
    public async Task Every_json_surface_answers_hostile_bodies_with_a_4xx_sentence_never_a_5xx_and_the_store_unchanged()
    {
        var random = new Random(20261205);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var sent = 0;
        using var anonymous = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (method, path, valid, isAnonymous) in Surfaces())
        {
            var client = isAnonymous ? anonymous : _admin;
            foreach (var (name, body) in Mutations(valid, random).Take(MutationsPerSurface))
            {
                if (clock.Elapsed > Budget)
                    break;
                var before = Snapshot();
                using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                sent++;
                var status = (int)response.StatusCode;
                var where = $"{method} {path} [{name}] {Preview(body)} -> {status}";
                if (status >= 500)
                {
                    failures.Add($"{where}: {Preview(Encoding.UTF8.GetBytes(text))}");
                    continue;
                }
                if (status >= 400)
                {
                    if (!HasSentence(text))
                        failures.Add($"{where}: no sentence in {Preview(Encoding.UTF8.GetBytes(text))}");
                    if (!Same(before, Snapshot(), out var changed))
                        failures.Add($"{where}: refused but changed {changed}");
                }
            }
        }
        output.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(sent > 200, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    /// <summary>Hostile variants of a valid body; seeded, so a failure can be replayed.</summary>
    private static IEnumerable<(string Name, byte[] Body)> Mutations(string valid, Random random)
    {
        var utf8 = Encoding.UTF8.GetBytes(valid);
        yield return ("truncated", utf8[..(utf8.Length / 2)]);
        yield return ("empty", []);
        yield return ("array root", "[]"u8.ToArray());
        yield return ("string root", "\"x\""u8.ToArray());
        yield return ("null root", "null"u8.ToArray());
        yield return ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
        yield return ("deep object", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300)));
        yield return ("invalid utf-8", [.. utf8[..^1], .. ",\"zz\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, 0xFE, .. "\"}"u8.ToArray()]);
        yield return ("trailing garbage", [.. utf8, .. "}}}"u8.ToArray()]);
        yield return ("duplicate keys", Encoding.UTF8.GetBytes(valid.Insert(1, "\"title\":1,\"title\":[],")));
        var paths = Paths(JsonNode.Parse(valid)!, "$").Where(p => p != "$").ToList();
        var hostile = HostileValues();
        while (true)
        {
            var path = paths[random.Next(paths.Count)];
            var (label, value) = hostile[random.Next(hostile.Count)];
            var node = JsonNode.Parse(valid)!;
            Replace(node, path, value);
            var text = node.ToJsonString();
            if (label == "lone surrogate")
                text = text.Replace("\"@@SURROGATE@@\"", "\"\\ud800x\"", StringComparison.Ordinal);
            if (label == "invalid utf-8 value")
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var marker = Encoding.UTF8.GetBytes("@@BADUTF8@@");
                var at = bytes.AsSpan().IndexOf(marker);
                if (at < 0)
                    continue;
                yield return ($"{label} at {path}", [.. bytes[..at], 0xED, 0xA0, 0x80, 0xC0, .. bytes[(at + marker.Length)..]]);
                continue;
            }
            yield return ($"{label} at {path}", Encoding.UTF8.GetBytes(text));
            if (random.Next(4) == 0)
            {
                var extra = JsonNode.Parse(valid)!;
                if (extra is JsonObject root)
                {
                    root["unknown_" + random.Next(1000)] = JsonNode.Parse("""{"nested":[1,"x",null,{"y":1e308}]}""");
                    yield return ("unknown field", Encoding.UTF8.GetBytes(root.ToJsonString()));
                }
            }
        }
    }

    private static List<(string, JsonNode?)> HostileValues() =>
    [
        ("null", null),
        ("number", JsonValue.Create(1)),
        ("negative", JsonValue.Create(-5)),
        ("fraction", JsonValue.Create(1.5)),
        ("huge number", JsonNode.Parse("1e400")),
        ("big integer", JsonNode.Parse("123456789012345678901234567890")),
        ("tiny number", JsonNode.Parse("-1e-400")),
        ("true", JsonValue.Create(true)),
        ("empty string", JsonValue.Create("")),
        ("long string", JsonValue.Create(new string('a', 70_000))),
        ("path string", JsonValue.Create("../../etc/passwd")),
        ("html string", JsonValue.Create("<img src=x onerror=alert(1)>")),
        ("lone surrogate", JsonValue.Create("@@SURROGATE@@")),
        ("invalid utf-8 value", JsonValue.Create("@@BADUTF8@@")),
        ("empty object", new JsonObject()),
        ("empty array", new JsonArray()),
        ("array of numbers", new JsonArray(1, 2, 3)),
        ("array of objects", JsonNode.Parse("""[{"a":1},{"b":[null]}]""")),
        ("object", JsonNode.Parse("""{"type":"x","url":"http://[::1","text":5}""")),
        ("url", JsonValue.Create("http://")),
        ("prototype name", JsonValue.Create("constructor")),
    ];

    private static IEnumerable<string> Paths(JsonNode node, string path)
    {
        yield return path;
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (child is null)
                        yield return $"{path}.{key}";
                    else
                        foreach (var p in Paths(child, $"{path}.{key}"))
                            yield return p;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } child)
                        foreach (var p in Paths(child, $"{path}[{i}]"))
                            yield return p;
                }
                break;
        }
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        if (path == "$")
            return;
        var parts = System.Text.RegularExpressions.Regex.Matches(path[1..], @"\.([^.\[]+)|\[(\d+)\]").Select(m => m.Groups[1].Success ? (object)m.Groups[1].Value : int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var parent = root;
        foreach (var part in parts[..^1])
            parent = part is string key ? parent[key]! : parent[(int)part]!;
        var copy = value?.DeepClone();
        if (parts[^1] is string last)
            parent[last] = copy;
        else
            parent[(int)parts[^1]] = copy;
    }

    private Dictionary<string, long> Snapshot()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_server.DataDirectory, "parley.db"), Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%audit%' AND name NOT LIKE '%usage%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
                tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            using var reader = count.ExecuteReader();
            reader.Read();
            counts[table] = reader.GetInt64(0);
        }
        using (var updated = connection.CreateCommand())
        {
            updated.CommandText = "SELECT COALESCE(SUM(updated_at), 0) FROM conversations";
            counts["conversations.updated_at"] = Convert.ToInt64(updated.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static bool Same(Dictionary<string, long> before, Dictionary<string, long> after, out string changed)
    {
        changed = string.Join(", ", before.Where(b => after.GetValueOrDefault(b.Key) != b.Value).Select(b => $"{b.Key} {b.Value}->{after.GetValueOrDefault(b.Key)}"));
        return changed.Length == 0;
    }

    private static bool HasSentence(string body)
    {
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            var sentence = json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? error.GetProperty("message").GetString()
                : json.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
            return sentence is { Length: > 10 } && sentence.Contains(' ', StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 160 ? text[..160] + "…" : text;
    }
}

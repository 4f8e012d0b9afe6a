using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Parley.Tests.Identity;
using Parley.Tests.Portability;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 7: memory amplification. Concurrent large imports and uploads each held a whole body in memory, with no
/// per-user cap. Now a user may run <c>MaxConcurrentImportsPerUser</c> imports and <c>MaxConcurrentUploadsPerUser</c>
/// uploads at once; one more gets 429 <c>too_many_uploads</c> at once, while other users are unaffected.
/// </summary>
public sealed class Finding07ConcurrentWorkTests
{
    private const string Boundary = "parley-finding-07";

    // Padded with whitespace, so half of it keeps Kestrel's minimum request body data rate satisfied for minutes.
    private static readonly byte[] ImportBytes = Encoding.UTF8.GetBytes(PortabilitySamples.ChatGptExport().ToJsonString() + new string(' ', 100_000));

    [Fact]
    public async Task Finding07_an_import_beyond_the_users_cap_gets_429_while_another_user_imports()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:MaxConcurrentImportsPerUser"] = "1" });
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        await AssertCappedAsync(server, "/api/import", ImportBytes, "application/json",
            () => bob.PostAsync("/api/import", Bytes(ImportBytes, "application/json")));
    }

    [Fact]
    public async Task Finding07_an_upload_beyond_the_users_cap_gets_429_while_another_user_uploads()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Security:MaxConcurrentUploadsPerUser"] = "1" });
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        var mine = await server.CreateConversationAsync();
        using var bobsConversation = await bob.PostAsJsonAsync("/api/conversations", new { });
        var bobs = (await bobsConversation.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        var upload = Encoding.UTF8.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            + string.Concat(Enumerable.Repeat("meeting notes, line by line\n", 2000)) + $"\r\n--{Boundary}--\r\n");
        var type = $"multipart/form-data; boundary={Boundary}";
        await AssertCappedAsync(server, $"/api/conversations/{mine}/attachments", upload, type,
            () => bob.PostAsync($"/api/conversations/{bobs}/attachments", Bytes(upload, type)));
    }

    private static ByteArrayContent Bytes(byte[] body, string type) => new(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(type) } };

    /// <summary>
    /// Sends two requests of the local user that stop half-way through their bodies, so both stay in progress: the
    /// second to reach the handler is answered 429 while the first still waits for its body. Meanwhile another user's
    /// request succeeds; once the held one is finished, it succeeds, and so does a fresh one.
    /// </summary>
    private static async Task AssertCappedAsync(ParleyTestServer server, string path, byte[] body, string contentType, Func<Task<HttpResponseMessage>> sendAsOther)
    {
        using var first = await HeldRequest.SendHalfAsync(server.BaseAddress, path, body, contentType);
        using var second = await HeldRequest.SendHalfAsync(server.BaseAddress, path, body, contentType);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var answers = new[] { first.ReadStatusAsync(timeout.Token), second.ReadStatusAsync(timeout.Token) };
        var refused = await Task.WhenAny(answers);
        Assert.Equal(429, await refused);
        Assert.Contains("too_many_uploads", (refused == answers[0] ? first : second).Received, StringComparison.Ordinal);
        var waiting = refused == answers[0] ? second : first;

        using var other = await sendAsOther();
        Assert.True(other.IsSuccessStatusCode, $"another user: {(int)other.StatusCode}");
        Assert.False(answers[refused == answers[0] ? 1 : 0].IsCompleted, "the held request was answered before its body was complete");

        await waiting.SendRestAsync();
        Assert.InRange(await answers[refused == answers[0] ? 1 : 0], 200, 201);
        using var again = await server.Client.PostAsync(path, Bytes(body, contentType));
        Assert.True(again.IsSuccessStatusCode, $"after the held one finished: {(int)again.StatusCode}");
    }

    /// <summary>An HTTP/1.1 request over a raw socket, sent up to half its body, whose answer can be read before the rest is sent.</summary>
    private sealed class HeldRequest : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly NetworkStream _stream;
        private readonly byte[] _rest;
        private readonly StringBuilder _received = new();

        private HeldRequest(TcpClient tcp, byte[] rest)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _rest = rest;
        }

        public string Received => _received.ToString();

        public static async Task<HeldRequest> SendHalfAsync(Uri server, string path, byte[] body, string contentType)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port);
            var half = body.Length / 2;
            var request = new HeldRequest(tcp, body[half..]);
            var head = Encoding.ASCII.GetBytes(
                $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n");
            await request._stream.WriteAsync(head);
            await request._stream.WriteAsync(body.AsMemory(0, half));
            await request._stream.FlushAsync();
            return request;
        }

        public async Task SendRestAsync()
        {
            await _stream.WriteAsync(_rest);
            await _stream.FlushAsync();
        }

        /// <summary>The status code of the answer (whatever arrives first of it is kept in <see cref="Received"/>).</summary>
        public async Task<int> ReadStatusAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[8192];
            while (!Received.Contains("\r\n\r\n", StringComparison.Ordinal) || !Received.Contains('}', StringComparison.Ordinal))
            {
                var read = await _stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                    break;
                _received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
            var statusLine = Received.Split("\r\n")[0];
            return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _tcp.Dispose();
        }
    }
}

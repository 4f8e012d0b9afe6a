using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Operations;

namespace Parley.Tests.Identity;

/// <summary>The <c>users</c> and <c>keys</c> commands of Parley.Server, run as real processes against a data folder a server then uses.</summary>
public sealed class AdminVerbsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Users_and_keys_made_by_the_commands_work_on_an_accounts_server()
    {
        var added = await RunAsync(["users", "add", "Root", "--admin"], stdin: "root-password\n");
        Assert.Equal(0, added.ExitCode);
        Assert.Contains("Added administrator root", added.Error, StringComparison.Ordinal);

        var created = await RunAsync(["keys", "create", "--owner", "alice", "--name", "ci", "--models", "mock/*", "--expires", "30d"]);
        Assert.Equal(0, created.ExitCode);
        var secret = created.Output.Trim();
        Assert.StartsWith("pk_", secret, StringComparison.Ordinal);

        var listed = await RunAsync(["keys", "list"]);
        Assert.Contains("active\talice\tci\tmock/*", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);

        await using (var server = await ServerProcess.StartAsync(_data, new Dictionary<string, string> { ["Parley__Auth__Mode"] = "accounts" }))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/session");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            var session = await (await server.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("alice", session.GetProperty("user").GetProperty("name").GetString());
            var login = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "root", password = "root-password" });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var revoked = await RunAsync(["keys", "revoke", Parley.Identity.ApiKeySecret.IdOf(secret)!]);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("revoked\talice", (await RunAsync(["keys", "list", "--owner", "alice"])).Output, StringComparison.Ordinal);

        // Every change the commands made is in the audit trail, by the actor "cli", without the secret.
        var audit = Retention.SqliteRows.Strings(Path.Combine(_data, "parley.db"), "SELECT actor, action, target FROM audit WHERE actor = 'cli' ORDER BY id");
        var keyId = Parley.Identity.ApiKeySecret.IdOf(secret);
        Assert.Equal(["cli|user.created|user:root", $"cli|key.created|key:{keyId}", $"cli|key.revoked|key:{keyId}"], audit);
        Assert.DoesNotContain(secret, string.Join('\n', Retention.SqliteRows.Strings(Path.Combine(_data, "parley.db"), "SELECT * FROM audit")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding14_a_key_made_for_an_accounts_name_acts_as_that_account_and_is_listed_by_name()
    {
        Assert.Equal(0, (await RunAsync(["users", "add", "carol"], stdin: "carol-password\n")).ExitCode);
        var created = await RunAsync(["keys", "create", "--owner", "CAROL", "--name", "laptop"]);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("for carol.", created.Error, StringComparison.Ordinal);
        var listed = (await RunAsync(["keys", "list", "--owner", "Carol"])).Output;
        Assert.Contains("\tactive\tcarol\tlaptop\t", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("u_", listed, StringComparison.Ordinal);
        var reserved = await RunAsync(["keys", "create", "--owner", "u_0123456789abcdef0123456789abcdef"]);
        Assert.Equal(1, reserved.ExitCode);
        Assert.Contains("u_", reserved.Error, StringComparison.Ordinal);

        await using var server = await ServerProcess.StartAsync(_data, new Dictionary<string, string> { ["Parley__Auth__Mode"] = "accounts" });
        using var withKey = new HttpRequestMessage(HttpMethod.Post, "/api/conversations") { Content = JsonContent.Create(new { title = "from the key" }) };
        withKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", created.Output.Trim());
        Assert.Equal(HttpStatusCode.Created, (await server.Client.SendAsync(withKey)).StatusCode);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.Client.BaseAddress };
        (await browser.PostAsJsonAsync("/api/auth/login", new { username = "carol", password = "carol-password" })).EnsureSuccessStatusCode();
        var titles = (await browser.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("title").GetString());
        Assert.Equal(["from the key"], titles);
    }

    [Fact]
    public async Task Bad_input_exits_non_zero_with_a_sentence()
    {
        var weak = await RunAsync(["users", "add", "bob"], stdin: "short\n");
        var badExpiry = await RunAsync(["keys", "create", "--owner", "bob", "--expires", "someday"]);
        var missingOwner = await RunAsync(["keys", "create"]);
        var unknownKey = await RunAsync(["keys", "revoke", "zzzzzzzzzzzz"]);

        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("at least 8 characters", weak.Error, StringComparison.Ordinal);
        Assert.Equal(1, badExpiry.ExitCode);
        Assert.Contains("--expires", badExpiry.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, missingOwner.ExitCode);
        Assert.Contains("--owner", missingOwner.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknownKey.ExitCode);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
            Directory.Delete(_data, recursive: true);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment = { ["PARLEY_DATA_DIR"] = _data },
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Tools;
using Xunit;
using static Parley.Tests.Tools.ScriptedChatClient;

namespace Parley.Tests.Tools;

/// <summary>MCP through a real stdio server process (tests/Parley.McpTestServer, built alongside the tests).</summary>
public sealed class McpToolSourceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(9);

    private static McpServerOptions TestServer() => new()
    {
        Command = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet",
        Arguments = [LocateTestServer()],
        Environment = new() { ["PARLEY_MCP_TEST_SUFFIX"] = "!" },
        ConnectTimeoutSeconds = 8,
    };

    private static McpToolSource Source(params (string Name, McpServerOptions Server)[] servers)
    {
        var options = new ToolsOptions();
        foreach (var (name, server) in servers)
            options.Mcp[name] = server;
        return new McpToolSource(Options.Create(options));
    }

    [Fact]
    public async Task ConnectsListsAndCallsAStdioServerTool()
    {
        await using var source = Source(("test", TestServer()));
        await source.StartAsync(CancellationToken.None);
        await source.WhenConnected.WaitAsync(Bound);

        var status = Assert.Single(source.Servers);
        Assert.True(status.Connected, status.Error);
        var tool = Assert.Single(source.Tools);
        Assert.Equal("test__echo_upper", tool.Name);
        Assert.Equal("Returns the text in upper case.", tool.Description);

        var model = new ScriptedChatClient().ThenCall(Call("test__echo_upper", "c1", new { text = "hello mcp" })).ThenText("done");
        using var loop = new ParleyFunctionInvokingChatClient(model);
        var response = await loop.GetResponseAsync([new(ChatRole.User, "shout")], new ChatOptions { Tools = [.. source.Tools] }).WaitAsync(Bound);

        var result = Assert.IsType<FunctionResultContent>(Assert.Single(response.Messages[1].Contents));
        Assert.Equal("HELLO MCP!", result.Result);

        await source.StopAsync(CancellationToken.None).WaitAsync(Bound);
        Assert.Empty(source.Tools);
    }

    [Fact]
    public async Task AnOptInServersToolsAreListedButOfferedOnlyWhenNamed()
    {
        var server = TestServer();
        server.EnabledByDefault = false;
        var options = Options.Create(new ToolsOptions { Mcp = { ["test"] = server } });
        await using var source = new McpToolSource(options);
        await source.StartAsync(CancellationToken.None);
        await source.WhenConnected.WaitAsync(Bound);
        using var catalog = new ToolCatalog(options, source);

        var described = catalog.Describe().Single(t => t.Name == "test__echo_upper");
        Assert.Equal(new ToolInfo("test__echo_upper", "Returns the text in upper case.", false, ToolInfo.Mcp, "test"), described);
        Assert.DoesNotContain(catalog.GetTools(), t => t.Name == "test__echo_upper");
        Assert.Contains(catalog.GetTools(include: ["test__echo_upper"]), t => t.Name == "test__echo_upper");
        Assert.Equal(["test__echo_upper"], catalog.RequireKnown(["test__echo_upper"]));

        await source.StopAsync(CancellationToken.None).WaitAsync(Bound);
    }

    [Fact]
    public async Task UnprefixedNamesAndFailingServersAreNotFatal()
    {
        var unprefixed = TestServer();
        unprefixed.ToolPrefix = "";
        await using var source = Source(
            ("plain", unprefixed),
            ("missing", new McpServerOptions { Command = "/nonexistent/parley-mcp-server", ConnectTimeoutSeconds = 5 }),
            ("nowhere", new McpServerOptions { Url = "http://127.0.0.1:9/mcp", ConnectTimeoutSeconds = 5 }),
            ("empty", new McpServerOptions()),
            ("off", new McpServerOptions { Enabled = false, Command = "/nonexistent" }));
        await source.StartAsync(CancellationToken.None);
        await source.WhenConnected.WaitAsync(Bound);

        Assert.Equal("echo_upper", Assert.Single(source.Tools).Name);
        Assert.Equal(4, source.Servers.Count);
        Assert.All(source.Servers.Where(s => s.Name != "plain"), s =>
        {
            Assert.False(s.Connected);
            Assert.False(string.IsNullOrEmpty(s.Error));
        });

        await source.StopAsync(CancellationToken.None).WaitAsync(Bound);
    }

    [Theory]
    [InlineData("files__", "read file", "files__read_file")]
    [InlineData("", "ok-name_1", "ok-name_1")]
    [InlineData("a.b__", "x", "a_b__x")]
    public void ToolNamesAreSafeForEveryProvider(string prefix, string name, string expected) =>
        Assert.Equal(expected, McpToolSource.ToolName(prefix, name));

    [Fact]
    public void ToolNamesAreCutAt64Characters() =>
        Assert.Equal(64, McpToolSource.ToolName("server__", new string('t', 100)).Length);

    /// <summary>The test server's build output, next to this assembly's in either output layout.</summary>
    internal static string LocateTestServer()
    {
        const string dll = "Parley.McpTestServer.dll";
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = baseDir.FullName.Contains("release", StringComparison.OrdinalIgnoreCase) ? "release" : "debug";
        for (var dir = baseDir; dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "Parley.McpTestServer"), Path.Combine(dir.FullName, "bin", "Parley.McpTestServer") })
            {
                if (!Directory.Exists(candidate))
                    continue;
                var found = Directory.EnumerateFiles(candidate, dll, SearchOption.AllDirectories)
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                    .OrderByDescending(f => f.Contains(configuration, StringComparison.OrdinalIgnoreCase))
                    .ThenByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (found is not null)
                    return found;
            }
        }

        throw new InvalidOperationException($"{dll} was not found near {baseDir.FullName}; build tests/Parley.McpTestServer (the test project references it).");
    }
}

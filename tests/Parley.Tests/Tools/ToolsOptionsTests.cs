using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class ToolsOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddParleyTools();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void BindsTheConfigurationShape()
    {
        using var services = Services(new()
        {
            ["Parley:Tools:Loop:MaxRounds"] = "4",
            ["Parley:Tools:Loop:ToolTimeout"] = "00:00:05",
            ["Parley:Tools:Loop:MaxResultChars"] = "5000",
            ["Parley:Tools:AllowedNetworks:0"] = "127.0.0.1:8888",
            ["Parley:Tools:AllowedNetworks:1"] = "10.0.0.0/8",
            ["Parley:Tools:WebSearch:Backend"] = "searxng",
            ["Parley:Tools:WebSearch:BaseUrl"] = "http://127.0.0.1:8888",
            ["Parley:Tools:ReadWebPage:MaxBytes"] = "100000",
            ["Parley:Tools:Calculator:Enabled"] = "false",
            ["Parley:Tools:Mcp:files:Command"] = "npx",
            ["Parley:Tools:Mcp:files:Arguments:0"] = "-y",
            ["Parley:Tools:Mcp:files:Arguments:1"] = "@modelcontextprotocol/server-filesystem",
            ["Parley:Tools:Mcp:files:Environment:ROOT"] = "/srv",
            ["Parley:Tools:Mcp:wiki:Url"] = "https://wiki.internal/mcp",
            ["Parley:Tools:Mcp:wiki:Headers:Authorization"] = "Bearer x",
            ["Parley:Tools:Mcp:wiki:ToolPrefix"] = "",
        });

        var options = services.GetRequiredService<IOptions<ToolsOptions>>().Value;
        Assert.Equal(4, options.Loop.MaxRounds);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Loop.ToolTimeout);
        Assert.Equal(["127.0.0.1:8888", "10.0.0.0/8"], options.AllowedNetworks);
        Assert.Equal(["-y", "@modelcontextprotocol/server-filesystem"], options.Mcp["files"].Arguments);
        Assert.Equal("/srv", options.Mcp["FILES"].Environment["ROOT"]);
        Assert.Equal("", options.Mcp["wiki"].ToolPrefix);

        var catalog = services.GetRequiredService<ToolCatalog>();
        Assert.Equal(["web_search", "read_web_page", "current_time"], catalog.All.Select(t => t.Name));
        Assert.Contains(services.GetServices<IHostedService>(), s => s is McpToolSource);
    }

    [Fact]
    public void ReportsEveryBadSettingAtStartup()
    {
        using var services = Services(new()
        {
            ["Parley:Tools:Loop:MaxRounds"] = "0",
            ["Parley:Tools:Loop:ToolTimeout"] = "00:00:00",
            ["Parley:Tools:AllowedNetworks:0"] = "10.0.0.0/99",
            ["Parley:Tools:WebSearch:Backend"] = "brave",
            ["Parley:Tools:ReadWebPage:MaxRedirects"] = "50",
            ["Parley:Tools:Mcp:broken:Arguments:0"] = "x",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ToolsOptions>>().Value);

        var all = string.Join("\n", error.Failures);
        Assert.Contains("Parley:Tools:Loop: The field MaxRounds must be between 1 and 100.", all, StringComparison.Ordinal);
        Assert.Contains("Parley:Tools:Loop:ToolTimeout must be positive", all, StringComparison.Ordinal);
        Assert.Contains("Parley:Tools:AllowedNetworks: Allowlist entry \"10.0.0.0/99\" is not a valid CIDR network.", all, StringComparison.Ordinal);
        Assert.Contains("Parley:Tools:WebSearch:ApiKey is required for Brave Search.", all, StringComparison.Ordinal);
        Assert.Contains("Parley:Tools:ReadWebPage: The field MaxRedirects must be between 0 and 20.", all, StringComparison.Ordinal);
        Assert.Contains("Parley:Tools:Mcp:broken needs a Command (stdio) or an http(s) Url.", all, StringComparison.Ordinal);
    }
}

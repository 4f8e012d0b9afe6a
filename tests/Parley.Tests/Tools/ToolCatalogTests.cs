using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class ToolCatalogTests
{
    private static ToolCatalog Catalog(ToolsOptions options) => new(Options.Create(options));

    [Fact]
    public void ReadWebPageCurrentTimeAndCalculatorAreOnByDefaultAndSearchNeedsABackend()
    {
        using var catalog = Catalog(new ToolsOptions());

        Assert.Equal(["read_web_page", "current_time", "calculator"], catalog.All.Select(t => t.Name));
        Assert.All(catalog.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
    }

    [Fact]
    public void WebSearchIsOnWhenABackendIsConfiguredUnlessSwitchedOff()
    {
        var options = new ToolsOptions { WebSearch = { Backend = "brave", ApiKey = "k" } };
        using (var catalog = Catalog(options))
            Assert.Equal("web_search", catalog.All[0].Name);

        options.WebSearch.Enabled = false;
        options.ReadWebPage.Enabled = false;
        options.Calculator.Enabled = false;
        using (var catalog = Catalog(options))
            Assert.Equal(["current_time"], catalog.All.Select(t => t.Name));
    }

    [Fact]
    public void FiltersPerRequest()
    {
        using var catalog = Catalog(new ToolsOptions());

        Assert.Equal(3, catalog.GetTools().Count);
        Assert.Equal(["calculator"], catalog.GetTools(include: ["calculator", "web_search", "nope"]).Select(t => t.Name));
        Assert.Equal(["read_web_page", "calculator"], catalog.GetTools(exclude: ["current_time"]).Select(t => t.Name));
        Assert.Empty(catalog.GetTools(include: []));
    }

    [Fact]
    public void OptInToolsAreListedButOnlyOfferedWhenNamed()
    {
        var options = new ToolsOptions { Calculator = { EnabledByDefault = false }, WebSearch = { Backend = "brave", ApiKey = "k", EnabledByDefault = false } };
        using var catalog = Catalog(options);

        Assert.Equal(["read_web_page", "current_time"], catalog.GetTools().Select(t => t.Name));
        Assert.Equal(["web_search", "calculator"], catalog.GetTools(include: ["calculator", "web_search"]).Select(t => t.Name));
        var described = catalog.Describe();
        Assert.Equal(["web_search", "read_web_page", "current_time", "calculator"], described.Select(t => t.Name));
        Assert.Equal([false, true, true, false], described.Select(t => t.EnabledByDefault));
        Assert.All(described, t =>
        {
            Assert.Equal(ToolInfo.BuiltIn, t.Source);
            Assert.Null(t.Server);
            Assert.False(string.IsNullOrWhiteSpace(t.Description));
        });
    }

    [Fact]
    public void RequireKnownDeduplicatesAndRefusesUnknownNamesListingTheAvailableOnes()
    {
        using var catalog = Catalog(new ToolsOptions { ReadWebPage = { Enabled = false } });

        Assert.Equal(["calculator", "current_time"], catalog.RequireKnown(["calculator", "current_time", "calculator"]));
        Assert.Empty(catalog.RequireKnown([]));

        var unknown = Assert.Throws<ParleyException>(() => catalog.RequireKnown(["calculator", "read_web_page"]));
        Assert.Equal(ErrorCodes.InvalidRequest, unknown.Code);
        Assert.Equal(400, unknown.Status);
        Assert.Contains("'read_web_page'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("available: current_time, calculator", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ParleyException>(() => catalog.RequireKnown([null]));
        Assert.Throws<ParleyException>(() => catalog.RequireKnown(["Calculator"]));
    }

    [Fact]
    public void ToolSchemasDescribeTheParameters()
    {
        using var catalog = Catalog(new ToolsOptions { WebSearch = { Backend = "searxng", BaseUrl = "http://searx.lan" } });
        var search = catalog.All.Single(t => t.Name == "web_search");

        var schema = search.JsonSchema.GetRawText();
        Assert.Contains("\"query\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"count\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"required\":[\"query\"]", schema.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CalculatorRunsThroughTheCatalogFunction()
    {
        using var catalog = Catalog(new ToolsOptions());
        var calculator = catalog.All.Single(t => t.Name == "calculator");

        var result = await calculator.InvokeAsync(new() { ["expression"] = "6*7" });

        Assert.Equal("42", result?.ToString());
    }

    [Fact]
    public void RejectsAMalformedAllowlistAtConstruction() =>
        Assert.Throws<ArgumentException>(() => Catalog(new ToolsOptions { AllowedNetworks = ["not valid!"] }));
}

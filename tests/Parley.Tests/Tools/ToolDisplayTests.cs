using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class ToolDisplayTests
{
    private static FunctionCallContent Call(string name, string? argName = null, object? value = null) =>
        new("c1", name, argName is null ? null : new Dictionary<string, object?> { [argName] = value });

    [Theory]
    [InlineData("web_search", "query", "dotnet 10", "Searching the web for \"dotnet 10\"")]
    [InlineData("web_search", null, null, "Searching the web")]
    [InlineData("read_web_page", "url", "https://example.org/a", "Reading https://example.org/a")]
    [InlineData("calculator", "expression", "2+2", "Calculating 2+2")]
    [InlineData("current_time", "timezone", "Europe/Paris", "Checking the time in Europe/Paris")]
    [InlineData("current_time", null, null, "Checking the current time")]
    [InlineData("files__list_dir", "path", "/", "Using list_dir from files")]
    [InlineData("custom", null, null, "Using custom")]
    public void DescribesTheAction(string name, string? argName, string? value, string expected) =>
        Assert.Equal(expected, ToolDisplay.GetAction(Call(name, argName, value)));

    [Fact]
    public void ReadsJsonElementArgumentsAndShortensLongOnes()
    {
        var json = JsonDocument.Parse("\"multi\\n  line   query\"").RootElement;
        Assert.Equal("Searching the web for \"multi line query\"", ToolDisplay.GetAction(Call("web_search", "query", json)));

        var action = ToolDisplay.GetAction(Call("calculator", "expression", new string('1', 500)));
        Assert.Equal("Calculating " + new string('1', 200) + "...", action);
    }

    [Fact]
    public void TakesTheDescriptionFromTheRequestTools()
    {
        var tool = AIFunctionFactory.Create(() => "x", "calculator", "Evaluates arithmetic.");

        var display = ToolDisplay.Describe(Call("calculator", "expression", "1+1"), [tool]);

        Assert.Equal(new ToolCallDisplay("calculator", "Evaluates arithmetic.", "Calculating 1+1"), display);
        Assert.Equal("", ToolDisplay.Describe(Call("unknown"), [tool]).Description);
    }
}

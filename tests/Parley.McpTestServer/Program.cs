using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

// stdout carries the MCP protocol, so every log line goes to stderr.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<TestTools>();
await builder.Build().RunAsync();

[McpServerToolType]
internal sealed class TestTools
{
    [McpServerTool(Name = "echo_upper"), Description("Returns the text in upper case.")]
    public static string EchoUpper([Description("The text to shout.")] string text) =>
        text.ToUpperInvariant() + Environment.GetEnvironmentVariable("PARLEY_MCP_TEST_SUFFIX");
}

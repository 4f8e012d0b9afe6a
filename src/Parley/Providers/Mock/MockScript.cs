using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Providers.Mock;

/// <summary>
/// What the mock should do for one request, read from <c>[[mock:...]]</c> directives in the last
/// user message, so tests and demos can drive error, tool and timing paths from any client.
/// </summary>
internal sealed partial record MockScript
{
    public string Text { get; init; } = "";

    public int? ErrorStatus { get; init; }

    public int? FailAfterTokens { get; init; }

    /// <summary>After this many tokens the mock goes quiet until the request is cancelled, like a stalled provider.</summary>
    public int? StallAfterTokens { get; init; }

    public bool Hang { get; init; }

    public int? DelayMs { get; init; }

    public double? TokensPerSecond { get; init; }

    public string? ToolName { get; init; }

    public string ToolArguments { get; init; } = "{}";

    public bool Markdown { get; init; }

    public bool Html { get; init; }

    public static MockScript Parse(string message)
    {
        var script = new MockScript();
        foreach (Match match in Directive().Matches(message))
        {
            var argument = match.Groups["arg"].Value.Trim();
            script = match.Groups["name"].Value.ToLowerInvariant() switch
            {
                "error" => script with { ErrorStatus = Int(argument) ?? 500 },
                "fail-after" => script with { FailAfterTokens = Int(argument) ?? 1 },
                "stall-after" => script with { StallAfterTokens = Int(argument) ?? 1 },
                "timeout" => script with { Hang = true },
                "delay" => script with { DelayMs = Int(argument) },
                "tps" => script with { TokensPerSecond = double.TryParse(argument, CultureInfo.InvariantCulture, out var tps) ? tps : null },
                "tool" => WithTool(script, argument),
                "markdown" => script with { Markdown = true },
                "html" => script with { Html = true },
                _ => script,
            };
        }
        return script with { Text = Directive().Replace(message, "").Trim() };
    }

    private static MockScript WithTool(MockScript script, string argument)
    {
        var space = argument.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? script with { ToolName = argument }
            : script with { ToolName = argument[..space], ToolArguments = argument[(space + 1)..].Trim() };
    }

    private static int? Int(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex(@"\[\[mock:(?<name>[a-z\-]+)(?<arg>[^\]]*)\]\]", RegexOptions.IgnoreCase)]
    private static partial Regex Directive();
}

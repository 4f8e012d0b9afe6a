using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Parley.Tools;

/// <summary>
/// Checks <see cref="ToolsOptions"/> at startup, nested sections included (ValidateDataAnnotations stops at the top
/// level): ranges, the allowlist's syntax, the web search backend's settings and each MCP server's transport.
/// </summary>
public sealed class ToolsOptionsValidator : IValidateOptions<ToolsOptions>
{
    public ValidateOptionsResult Validate(string? name, ToolsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Annotations(options.Loop, "Loop", errors);
        Annotations(options.WebSearch, "WebSearch", errors);
        Annotations(options.ReadWebPage, "ReadWebPage", errors);
        if (options.Loop.ToolTimeout <= TimeSpan.Zero)
            errors.Add($"{ToolsOptions.Section}:Loop:ToolTimeout must be positive (e.g. 00:00:30).");

        try
        {
            _ = new AddressPolicy(options.AllowedNetworks);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"{ToolsOptions.Section}:AllowedNetworks: {ex.Message}");
        }

        if (options.WebSearch.Enabled ?? true)
        {
            try
            {
                using var http = new HttpClient();
                if (WebSearchBackends.Create(options.WebSearch, http) is null && options.WebSearch.Enabled == true)
                    errors.Add($"{ToolsOptions.Section}:WebSearch:Enabled is true but no Backend is set (searxng, brave or tavily).");
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }
        }

        foreach (var (server, mcp) in options.Mcp)
        {
            Annotations(mcp, $"Mcp:{server}", errors);
            if (mcp.Enabled && string.IsNullOrWhiteSpace(mcp.Command)
                && !(Uri.TryCreate(mcp.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                errors.Add($"{ToolsOptions.Section}:Mcp:{server} needs a Command (stdio) or an http(s) Url.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Annotations(object section, string path, List<string> errors)
    {
        Configuration.OptionsAnnotations.Check(section, $"{ToolsOptions.Section}:{path}", errors);
    }
}

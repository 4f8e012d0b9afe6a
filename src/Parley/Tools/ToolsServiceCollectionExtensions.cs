using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Tools;

public static class ToolsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ToolsOptions"/> to <c>Parley:Tools</c> (checked at startup by <see cref="ToolsOptionsValidator"/>)
    /// and registers <see cref="McpToolSource"/> (also as a hosted service, so MCP servers connect at startup and are
    /// disposed at shutdown) and <see cref="ToolCatalog"/>.
    /// </summary>
    public static IServiceCollection AddParleyTools(this IServiceCollection services)
    {
        services.AddValidatedOptions<ToolsOptions, ToolsOptionsValidator>(ToolsOptions.Section);
        services.AddSingleton<McpToolSource>();
        services.AddHostedService(sp => sp.GetRequiredService<McpToolSource>());
        services.AddSingleton(sp => new ToolCatalog(
            sp.GetRequiredService<IOptions<ToolsOptions>>(),
            sp.GetRequiredService<McpToolSource>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Parley.Tools;

public static class ToolsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ToolsOptions"/> to <c>Parley:Tools</c> and registers <see cref="McpToolSource"/> (as a hosted
    /// service too, so MCP servers connect at startup and are disposed at shutdown) and <see cref="ToolCatalog"/>.
    /// </summary>
    public static IServiceCollection AddParleyTools(this IServiceCollection services)
    {
        services.AddOptions<ToolsOptions>().BindConfiguration(ToolsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<McpToolSource>();
        services.AddHostedService(sp => sp.GetRequiredService<McpToolSource>());
        services.AddSingleton(sp => new ToolCatalog(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ToolsOptions>>(),
            sp.GetRequiredService<McpToolSource>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}

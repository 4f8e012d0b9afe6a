using Microsoft.Extensions.DependencyInjection;
using Parley.Configuration;

namespace Parley.Portability;

public static class PortabilityServices
{
    public static IServiceCollection AddParleyPortability(this IServiceCollection services)
    {
        services.AddValidatedOptions<ImportOptions>(ImportOptions.Section);
        services.AddSingleton<ConversationExporter>();
        services.AddSingleton<ConversationImporter>();
        return services;
    }
}

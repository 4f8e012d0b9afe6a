using Microsoft.Extensions.DependencyInjection;

namespace Parley.Portability;

public static class PortabilityServices
{
    public static IServiceCollection AddParleyPortability(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConversationExporter>();
        services.AddSingleton<ConversationImporter>();
        return services;
    }
}

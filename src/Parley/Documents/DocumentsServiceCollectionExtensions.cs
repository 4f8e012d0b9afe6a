using Microsoft.Extensions.DependencyInjection;

namespace Parley.Documents;

public static class DocumentsServiceCollectionExtensions
{
    public static IServiceCollection AddParleyDocuments(this IServiceCollection services)
    {
        services.AddOptions<DocumentOptions>().BindConfiguration(DocumentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DocumentReader>();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<FileParts>();
        return services;
    }
}

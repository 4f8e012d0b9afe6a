using Microsoft.Extensions.DependencyInjection;
using Parley.Configuration;

namespace Parley.Documents;

public static class DocumentsServiceCollectionExtensions
{
    public static IServiceCollection AddParleyDocuments(this IServiceCollection services)
    {
        services.AddValidatedOptions<DocumentOptions>(DocumentOptions.Section);
        services.AddSingleton<DocumentReader>();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<FileParts>();
        return services;
    }
}

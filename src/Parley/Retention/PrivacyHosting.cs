using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Configuration;
using Parley.Privacy;

namespace Parley.Retention;

public static class PrivacyHosting
{
    /// <summary>The audit trail, retention (job and "delete all my data") and the content-logging switch.</summary>
    public static IServiceCollection AddParleyPrivacy(this IServiceCollection services, Func<IServiceProvider, IAuditStore> defaultAuditStore)
    {
        services.AddValidatedOptions<AuditOptions>(AuditOptions.Section);
        services.AddValidatedOptions<RetentionOptions>(RetentionOptions.Section);
        services.AddValidatedOptions<ContentLoggingOptions>(ContentLoggingOptions.Section);

        services.TryAddSingleton(defaultAuditStore);
        services.AddSingleton<AuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        services.AddHostedService<AuditWriter>();
        services.AddSingleton<RetentionService>();
        services.AddSingleton<DataDeletion>();
        services.AddHostedService<RetentionJob>();
        return services;
    }
}

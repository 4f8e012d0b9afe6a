using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Api;
using Parley.Bots;
using Parley.Api.Chat;
using Parley.Api.Cache;
using Parley.Api.Usage;
using Parley.Api.Conversations;
using Parley.Api.Docs;
using Parley.Api.Health;
using Parley.Api.OpenAI;
using Parley.Api.Models;
using Parley.Api.Responses;
using Parley.Api.Messages;
using Parley.Api.Embeddings;
using Parley.Api.Completions;
using Parley.Api.Tools;
using Parley.Api.Folders;
using Parley.Api.Portability;
using Parley.Portability;
using Parley.Api.WebApp;
using Parley.Chat;
using Parley.Compression;
using Parley.Configuration;
using Parley.Conversations;
using Parley.Identity;
using Parley.Kafka;
using Parley.Limits;
using Parley.Redis;
using Parley.Resilience;
using Parley.Caching;
using Parley.Usage;
using Parley.Api.Identity;
using Parley.Api.Audit;
using Parley.Api.Sharing;
using Parley.Api.YourData;
using Parley.Replies;
using Parley.Retention;
using Parley.Observability;
using Parley.Providers;
using Parley.Providers.Llama;
using Parley.Providers.Mock;
using Parley.Storage;
using Parley.Documents;
using Parley.Tools;
using Parley.WebSecurity;

namespace Parley.Hosting;

/// <summary>Parley's composition root: <c>builder.AddParley()</c> registers everything, <c>app.MapParley()</c> maps every surface.</summary>
public static class ParleyHosting
{
    /// <param name="environment">The variables the seeds' names are read from; the process environment when null.</param>
    public static WebApplicationBuilder AddParley(this WebApplicationBuilder builder, IReadOnlyDictionary<string, string?>? environment = null)
    {
        builder.Configuration.AddSeedEnvironment(environment ?? DotEnvFile.CurrentEnvironment());
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(ServerDefaults.Url);

        var services = builder.Services;
        services.AddValidatedOptions<ParleyOptions, ParleyOptionsValidator>(ParleyOptions.Section);
        services.AddValidatedOptions<MockOptions>(MockOptions.Section);

        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ParleyOptions>>((kestrel, parley) => kestrel.Limits.MaxRequestBodySize = parley.Value.MaxRequestBodyBytes);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        services.AddProblemDetails();
        services.AddExceptionHandler<ParleyProblems>();
        services.AddParleyHttpClients();
        services.AddParleyApiDocs();

        services.TryAddSingleton(TimeProvider.System);
        services.AddParleyDatabase();
        services.TryAddSingleton<IConversationStore>(StoreSelection.ConversationStore);
        services.TryAddSingleton<Sharing.IShareStore>(StoreSelection.ShareStore);
        services.TryAddSingleton<Folders.IFolderStore>(StoreSelection.FolderStore);
        services.AddHostedService<StoreInitializer>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store")
            .AddCheck<ProviderHealthCheck>("providers", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded)
            .AddCheck<MemoryHealthCheck>("memory");
        services.AddSingleton<ProviderHealthCheck>();
        services.AddHostedService<StartupReport>();
        services.AddParleyChat();
        services.AddParleyTools();
        services.AddParleyBots();
        services.AddParleyLocalModels();
        services.AddParleyResilience();
        services.AddParleyResponseCache();
        services.AddParleyUsage(StoreSelection.UsageStore);
        services.AddParleyLimits();
        services.AddSingleton<ShutdownGrace>();
        services.AddOptions<HostOptions>().Configure<IOptions<ParleyOptions>>((host, parley) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(parley.Value.ShutdownGraceSeconds + 10));
        services.AddMetrics();
        services.AddSingleton<ParleyMetrics>();
        services.AddSingleton<PrometheusExporter>();
        services.AddParleyOtlpExport();
        services.TryAddSingleton<Responses.IResponseStore>(StoreSelection.ResponseStore);
        services.AddSingleton<Embeddings.EmbeddingModels>();
        services.AddSingleton<ActiveReplies>();
        services.AddSingleton<ConversationEngine>();
        services.AddValidatedOptions<TitleOptions>(TitleOptions.Section);
        services.AddSingleton<TitleWriter>();
        services.AddParleyReplies();
        services.AddParleyContextCompression();
        services.AddParleyDocuments();
        services.AddParleyKafka();
        services.AddParleyIdentity(StoreSelection.IdentityStore);
        services.AddParleyPrivacy(StoreSelection.AuditStore);
        services.AddParleyPortability();
        services.AddParleyRedis();
        services.AddParleyWebSecurity();
        return builder;
    }

    public static WebApplication MapParley(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseParleyBrowserBoundary();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ParleyProblems.WriteStatusAsync);
        // The web app's files and the documentation pages answer only GET and HEAD: API calls skip their four middlewares.
        app.UseWhen(static context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method),
            static pages => pages.UseWebAppFiles().UseParleyApiDocPages());
        app.MapParleyApiDocument();
        app.UseParleyIdentity();
        app.MapHealthApi();
        app.MapMetricsApi();
        app.MapCacheApi();
        app.MapUsageApi();
        app.MapClientConfigApi();
        app.MapOpenAIApi();
        app.MapModelsApi();
        app.MapResponsesApi();
        app.MapMessagesApi();
        app.MapEmbeddingsApi();
        app.MapCompletionsApi();
        app.MapConversationsApi();
        app.MapSessionsApi();
        app.MapChatApi();
        app.MapBotsApi();
        app.MapBubbleTeaApi();
        app.MapToolsApi();
        app.MapAuthApi();
        app.MapKeysApi();
        app.MapUsersApi();
        app.MapPortabilityApi();
        app.MapAuditApi();
        app.MapMeDataApi();
        app.MapPreferencesApi();
        app.MapSharesApi();
        app.MapFoldersApi();
        app.MapWebApp();
        return app;
    }

    public static string DatabasePath(ParleyOptions options)
    {
        var folder = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "parley.db");
    }
}

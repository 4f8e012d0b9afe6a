using Microsoft.Extensions.DependencyInjection;

namespace Parley.Providers;

/// <summary>
/// Every <see cref="IHttpClientFactory"/> client Parley makes (providers, health checks, trusted bot delivery) talks to
/// one configured address and must not carry one caller's state into another's call: redirects are not followed
/// (a provider answering 3xx is an error the client sees, never a request to an address nobody configured) and cookies
/// are not kept (the default handler's container is shared by every call through the client). The factory's logging
/// handlers are removed: they open a scope and test the log level on every request of the relay path, a cost that
/// bought nothing at Parley's Warning default (Parley logs provider failures itself).
/// </summary>
public static class OutboundHttp
{
    /// <summary>How long a pooled upstream connection lives, so a changed DNS answer is picked up.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    public static IServiceCollection AddParleyHttpClients(this IServiceCollection services)
    {
        services.AddHttpClient();
        services.ConfigureHttpClientDefaults(http => http
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = ConnectionLifetime,
            }));
        return services;
    }
}

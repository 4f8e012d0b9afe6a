using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.WebSecurity;

public static class WebSecurityHosting
{
    public static IServiceCollection AddParleyWebSecurity(this IServiceCollection services)
    {
        services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(SecurityOptions.Section);
        services.AddSingleton<HostAllowList>();
        services.AddSingleton<SecurityHeaders>();
        services.AddSingleton<UserWorkGate>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SecurityOptions>>((forwarded, security) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardLimit = null;
            foreach (var proxy in security.Value.TrustedProxies)
            {
                if (ProxyNetworks.TryParse(proxy, out var network))
                    forwarded.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>
    /// The browser boundary, outermost: records who connected, believes forwarded headers only from trusted proxies,
    /// refuses unknown host names, adds the security headers and refuses cross-site state changes.
    /// </summary>
    public static WebApplication UseParleyBrowserBoundary(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Features.Set(ConnectionOrigin.Read(context));
            return next(context);
        });
        if (app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.TrustedProxies.Count > 0)
            app.UseForwardedHeaders();
        var hosts = app.Services.GetRequiredService<HostAllowList>();
        var headers = app.Services.GetRequiredService<SecurityHeaders>();
        app.Use((context, next) => headers.InvokeAsync(context, next));
        app.Use((context, next) => hosts.InvokeAsync(context, next));
        app.Use(SameOriginGuard.InvokeAsync);
        return app;
    }
}

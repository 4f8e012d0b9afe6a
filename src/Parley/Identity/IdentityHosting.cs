using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Identity;

public static class IdentityHosting
{
    /// <summary>Registers accounts, keys and the authentication that every endpoint requires unless it allows anonymous calls.</summary>
    public static IServiceCollection AddParleyIdentity(this IServiceCollection services, Func<IServiceProvider, IIdentityStore> defaultStore)
    {
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        services.TryAddSingleton(defaultStore);
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<IdentityService>();
        services.AddHostedService<AdminBootstrap>();
        services.AddAuthentication(ParleyAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ParleyAuthentication>(ParleyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ParleyAuthentication.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(ParleyAuthentication.AdminPolicy, p => p.AddAuthenticationSchemes(ParleyAuthentication.SchemeName).RequireRole(ParleyAuthentication.AdminPolicy));
        return services;
    }

    /// <summary>Authenticates every request after the web app's static files; each surface binds its <see cref="Usage.Caller"/> from the identity found.</summary>
    public static WebApplication UseParleyIdentity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Limits;

/// <summary>
/// The one place HTTP chat endpoints apply the caller's limits: it runs after the body is bound and before the handler,
/// so a refused request stores nothing and never reaches a provider. It counts the request (rate, budget) and holds a
/// concurrent-stream slot until the handler ends — when the reply finished, failed or the client disconnected.
/// </summary>
public sealed class LimitsEndpointFilter : IEndpointFilter
{
    /// <summary>How long a caller at its stream maximum is told to wait.</summary>
    private static readonly TimeSpan StreamRetryAfter = TimeSpan.FromSeconds(1);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<IUserLimiter>();
        var caller = Api.Owners.Of(http);
        using var slot = limiter.TryOpenStream(caller)
            ?? throw new LimitExceededException(UserLimitCodes.RateLimited,
                $"{caller} already has the maximum number of concurrent streams open; try again when one ends.", StreamRetryAfter);
        if (limiter.TryStart(caller) is { } refused)
            throw refused;
        return await next(context);
    }
}

public static class LimitsEndpointExtensions
{
    /// <summary>Applies the caller's limits (<see cref="LimitsEndpointFilter"/>) to a chat endpoint.</summary>
    public static TBuilder WithCallerLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, LimitsEndpointFilter>();
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Limits;

/// <summary>
/// The one place HTTP chat endpoints apply the caller's limits: it runs after the body is bound and before the handler,
/// so a refused request stores nothing and never reaches a provider. It counts the request (rate, budget) and holds a
/// concurrent-stream slot until the handler ends — when the reply finished, failed or the client disconnected.
/// The configured limits apply per user (summed over their keys); an API key with limits of its own is held to those too.
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
        var caller = Identity.CallerIdentity.Of(http);
        var owner = Api.Owners.Of(http);
        var key = caller.Key is { HasOwnLimits: true } k ? k : null;
        var keyLimits = key is null ? null : new UserLimitOptions
        {
            RequestsPerMinute = key.RequestsPerMinute, DailyTokenLimit = key.DailyTokenLimit, MaxConcurrentStreams = key.MaxConcurrentStreams,
        };
        using var keySlot = key is null ? null : await limiter.TryOpenStreamAsync(KeyCaller(key.Id), keyLimits!) ?? throw TooManyStreams($"The API key {key.Prefix}…");
        using var slot = await limiter.TryOpenStreamAsync(owner) ?? throw TooManyStreams(caller.DisplayName);
        if (key is not null && await limiter.TryStartAsync(KeyCaller(key.Id), keyLimits!) is { } keyRefused)
            throw keyRefused;
        if (await limiter.TryStartAsync(owner) is { } refused)
            throw refused;
        return await next(context);
    }

    /// <summary>The limiter's name for an API key's own counters (tokens used through it count there too).</summary>
    public static string KeyCaller(string keyId) => "key:" + keyId;

    private static LimitExceededException TooManyStreams(string who) =>
        new(UserLimitCodes.RateLimited, $"{who} already has the maximum number of concurrent streams open; try again when one ends.", StreamRetryAfter);
}

public static class LimitsEndpointExtensions
{
    /// <summary>Applies the caller's limits (<see cref="LimitsEndpointFilter"/>) to a chat endpoint.</summary>
    public static TBuilder WithCallerLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, LimitsEndpointFilter>();
}

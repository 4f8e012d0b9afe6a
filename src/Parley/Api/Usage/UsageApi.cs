using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Errors;
using Parley.Identity;
using Parley.Usage;

namespace Parley.Api.Usage;

/// <summary>
/// <c>GET /api/usage</c> and <c>GET /api/usage.csv</c>: model calls grouped by day, model, owner, surface or key. A user
/// sees only their own calls; administrators (the local user in single-user mode) see everyone's, or one owner's with <c>?owner=</c>.
/// Owners are named as people know them: <c>?owner=</c> takes a user name and owner groups show names (rows are stored by owner id).
/// </summary>
public static class UsageApi
{
    public static RouteGroupBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Usage");
        group.MapGet("/usage", Get);
        group.MapGet("/usage.csv", GetCsv).Produces<string>(200, "text/csv");
        return group;
    }

    public static async Task<Ok<UsageReport>> Get(
        HttpContext context, IUsageStore store, UsageRecorder recorder, IdentityService identity, string? from = null, string? to = null, string? groupBy = null,
        string? owner = null, CancellationToken cancellationToken = default)
    {
        var groups = await QueryAsync(context, store, recorder, identity, from, to, groupBy, owner, cancellationToken);
        return TypedResults.Ok(new UsageReport(groups, UsageTotals.Of(groups)));
    }

    public static async Task<IResult> GetCsv(
        HttpContext context, IUsageStore store, UsageRecorder recorder, IdentityService identity, string? from = null, string? to = null, string? groupBy = null,
        string? owner = null, CancellationToken cancellationToken = default)
    {
        var groups = await QueryAsync(context, store, recorder, identity, from, to, groupBy, owner, cancellationToken);
        var csv = new StringBuilder("key,requests,promptTokens,completionTokens,totalTokens,cost,errors,cached,avgLatencyMs\n");
        foreach (var g in groups)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{Escape(g.Key)},{g.Requests},{g.PromptTokens},{g.CompletionTokens},{g.TotalTokens},{g.Cost?.ToString("0.########", CultureInfo.InvariantCulture)},{g.Errors},{g.Cached},{g.AvgLatencyMs.ToString("0.###", CultureInfo.InvariantCulture)}\n");
        }
        return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8);
    }

    private static async Task<IReadOnlyList<UsageGroup>> QueryAsync(
        HttpContext context, IUsageStore store, UsageRecorder recorder, IdentityService identity, string? from, string? to, string? groupBy, string? owner,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(identity);
        // Calls that ended a moment ago (the request just refused for its budget, say) may still be queued: write them first.
        await recorder.FlushAsync(TimeSpan.FromSeconds(2), cancellationToken);
        var query = Parse(context, from, to, groupBy, await OwnerIdAsync(context, identity, owner, cancellationToken));
        var groups = await store.QueryAsync(query, cancellationToken);
        if (query.GroupBy != UsageGroupBy.Owner)
            return groups;
        var names = await identity.OwnerNamesAsync(cancellationToken);
        return [.. groups.Select(g => g with { Key = names.Of(g.Key) }).OrderBy(g => g.Key, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The owner id of <c>?owner=</c>: the caller's own id when it names the caller, an account's id for an account's
    /// name, otherwise the value itself (an owner without an account, or a deleted account's id, which only administrators may ask for).
    /// </summary>
    private static async Task<string?> OwnerIdAsync(HttpContext context, IdentityService identity, string? owner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(owner))
            return owner;
        var caller = Parley.Identity.CallerIdentity.Of(context);
        var normalized = UserNames.Normalize(owner);
        if (string.Equals(normalized, UserNames.Normalize(caller.DisplayName), StringComparison.Ordinal))
            return caller.Owner;
        return (await identity.Store.GetUserByNameAsync(normalized, cancellationToken))?.Id ?? normalized;
    }

    /// <summary>The query of a request: its range and grouping, and the caller's rows only unless the caller is an administrator.</summary>
    /// <param name="owner">An owner id (<see cref="Parley.Identity.CallerIdentity.Owner"/>); administrators only, unless it is the caller's own.</param>
    public static UsageQuery Parse(HttpContext context, string? from, string? to, string? groupBy, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grouping = groupBy?.ToLowerInvariant() switch
        {
            null or "" or "day" => UsageGroupBy.Day,
            "model" => UsageGroupBy.Model,
            "owner" => UsageGroupBy.Owner,
            "surface" => UsageGroupBy.Surface,
            "key" => UsageGroupBy.Key,
            _ => throw Invalid($"groupBy must be day, model, owner, surface or key, not '{groupBy}'."),
        };
        var start = Time(from, "from", endOfDay: false);
        var end = Time(to, "to", endOfDay: true);
        if (start is not null && end is not null && start >= end)
            throw Invalid("from must be before to.");
        var caller = Parley.Identity.CallerIdentity.Of(context);
        if (!caller.IsAdmin && owner is not null && !string.Equals(owner, caller.Owner, StringComparison.OrdinalIgnoreCase))
            throw new ParleyException(ErrorCodes.Forbidden, 403, "Only administrators may see other users' usage.");
        var scope = caller.IsAdmin ? (string.IsNullOrWhiteSpace(owner) ? null : owner.Trim().ToLowerInvariant()) : Owners.Of(context);
        return new UsageQuery(start, end, grouping, scope);
    }

    private static DateTimeOffset? Time(string? value, string name, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        throw Invalid($"{name} must be a date (2026-01-31) or an ISO 8601 time (2026-01-31T12:00:00Z), not '{value}'.");
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);

    private static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

/// <summary>The body of <c>GET /api/usage</c>.</summary>
public sealed record UsageReport(IReadOnlyList<UsageGroup> Groups, UsageTotals Totals);

/// <summary>All groups together.</summary>
public sealed record UsageTotals(long Requests, long PromptTokens, long CompletionTokens, long TotalTokens, double? Cost, long Errors, long Cached, double AvgLatencyMs)
{
    public static UsageTotals Of(IReadOnlyList<UsageGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var requests = groups.Sum(g => g.Requests);
        return new UsageTotals(
            requests, groups.Sum(g => g.PromptTokens), groups.Sum(g => g.CompletionTokens), groups.Sum(g => g.TotalTokens),
            groups.Any(g => g.Cost is not null) ? groups.Sum(g => g.Cost ?? 0) : null,
            groups.Sum(g => g.Errors), groups.Sum(g => g.Cached),
            requests == 0 ? 0 : groups.Sum(g => g.AvgLatencyMs * g.Requests) / requests);
    }
}

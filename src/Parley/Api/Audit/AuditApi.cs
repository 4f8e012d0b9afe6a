using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Audit;
using Parley.Identity;

namespace Parley.Api.Audit;

/// <summary><c>GET /api/admin/audit</c>: administrators read the audit trail, newest first, with filters and a cursor.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/audit").WithTags("Audit").RequireAuthorization(ParleyAuthentication.AdminPolicy);
        group.MapGet("/", List);
        return group;
    }

    public static async Task<Ok<AuditPageDto>> List(
        HttpContext context, IAuditStore store, IAuditLog log,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? action = null, string? actor = null, int limit = 100, string? cursor = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Events recorded a moment ago (this admin's own sign-in, say) are still queued: write them first.
        await log.FlushAsync(TimeSpan.FromSeconds(2), context.RequestAborted);
        var page = await store.QueryAsync(new AuditQuery(from, to, Blank(action), Blank(actor), limit, Blank(cursor)), context.RequestAborted);
        return TypedResults.Ok(new AuditPageDto(
            [.. page.Items.Select(e => new AuditEventDto(e.Id, e.At, e.Actor, e.ViaKey, e.Action, e.Target, e.Outcome, e.Address, e.Detail))],
            page.NextCursor));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record AuditEventDto(
    long Id, DateTimeOffset At, string Actor, string? ViaKey, string Action, string? Target, string Outcome, string? Address, string? Detail);

public sealed record AuditPageDto(IReadOnlyList<AuditEventDto> Items, string? NextCursor);

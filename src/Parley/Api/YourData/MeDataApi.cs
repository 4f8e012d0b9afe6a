using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Parley.Audit;
using Parley.Errors;
using Parley.Identity;
using Parley.Retention;

namespace Parley.Api.YourData;

/// <summary>
/// <c>/api/me/retention</c> (the caller's own retention) and <c>DELETE /api/me/data</c> ("delete all my data"). Both act
/// on the caller's own data only, in every auth mode (in single-user mode the owner is <c>local</c>).
/// </summary>
public static class MeDataApi
{
    public const string Confirmation = "delete all my data";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapMeDataApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me").WithTags("Your data");
        group.MapGet("/retention", GetRetention);
        group.MapPut("/retention", SetRetention);
        group.MapDelete("/data", DeleteData)
            .WithSummary("Delete all my data")
            .WithDescription("Body {\"confirm\":\"delete all my data\"}. Deletes the caller's conversations (messages, images, files), folders, share links, stored /v1/responses responses, usage records, API keys and sessions; the account stays.");
        return group;
    }

    public static async Task<Ok<RetentionDto>> GetRetention(HttpContext context, IIdentityStore identity, RetentionService retention)
    {
        var own = await identity.GetRetentionDaysAsync(Owners.Of(context), context.RequestAborted);
        return TypedResults.Ok(Dto(own, retention.DeploymentDays));
    }

    public static async Task<Ok<RetentionDto>> SetRetention(HttpContext context, RetentionRequest body, RetentionService retention, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(body);
        var owner = Owners.Of(context);
        await retention.SetOwnDaysAsync(owner, body.Days, context.RequestAborted);
        audit.Record(context, AuditActions.RetentionChanged, CallerIdentity.Of(context).DisplayName, detail: body.Days is { } d ? $"own retention {d} days" : "own retention cleared");
        return TypedResults.Ok(Dto(body.Days, retention.DeploymentDays));
    }

    public static async Task<Ok<DeletedDataDto>> DeleteData(HttpContext context, DataDeletion deletion, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(context);
        var owner = Owners.Of(context);
        // Read by hand: a DELETE without a body (or without a JSON content type) must get the confirmation error, not a 404/415.
        DeleteDataRequest? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = await JsonSerializer.DeserializeAsync<DeleteDataRequest>(context.Request.Body, JsonOptions, context.RequestAborted);
            }
            catch (JsonException)
            {
                throw new ParleyException(ErrorCodes.InvalidJson, 400, "The body is not valid JSON; send {\"confirm\":\"delete all my data\"}.");
            }
        }
        if (!string.Equals(body?.Confirm?.Trim(), Confirmation, StringComparison.OrdinalIgnoreCase))
        {
            throw new ParleyException(ErrorCodes.ConfirmationRequired, 400,
                $"This deletes all your conversations, usage records, API keys and sessions, and cannot be undone. Send {{\"confirm\":\"{Confirmation}\"}} to go ahead.");
        }
        var caller = CallerIdentity.Of(context);
        var deleted = await deletion.DeleteAllAsync(owner, context.RequestAborted);
        audit.Record(context, AuditActions.DataDeleted, caller.DisplayName, detail:
            $"deleted {deleted.Conversations} conversations, {deleted.Messages} messages, {deleted.Images} images, {deleted.UsageRecords} usage records, {deleted.ApiKeys} API keys and the web sessions");
        if (caller.Via == CallerIdentity.ViaSession)
            context.Response.Cookies.Delete(ParleyAuthentication.SessionCookie, new CookieOptions { Path = "/" });
        return TypedResults.Ok(new DeletedDataDto(deleted.Conversations, deleted.Messages, deleted.Images, deleted.UsageRecords, deleted.ApiKeys,
            AccountKept: caller.Via != CallerIdentity.ViaLocal,
            "Your conversations, messages, images and files, usage records, API keys and sign-in sessions are deleted. "
            + "Your account (name and password) and your own retention setting stay; an administrator can delete the account."));
    }

    private static RetentionDto Dto(int? own, int? deployment) =>
        new(own, deployment, own is { } o && deployment is { } d ? Math.Min(o, d) : own ?? deployment);
}

public sealed record RetentionRequest(int? Days);

/// <param name="Days">The caller's own setting (null: none).</param>
/// <param name="DeploymentDays">The server's <c>Parley:Retention:ConversationDays</c> (null: off).</param>
/// <param name="EffectiveDays">What applies to the caller's conversations (null: kept until deleted).</param>
public sealed record RetentionDto(int? Days, int? DeploymentDays, int? EffectiveDays);

public sealed record DeleteDataRequest(string? Confirm);

public sealed record DeletedDataDto(int Conversations, int Messages, int Images, int UsageRecords, int ApiKeys, bool AccountKept, string Message);

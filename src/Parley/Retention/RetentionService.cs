using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Errors;
using Parley.Identity;
using Parley.Storage;

namespace Parley.Retention;

/// <summary>What one retention run deleted.</summary>
public sealed record RetentionRun(DateTimeOffset At, DeletedConversations Deleted, int OwnersWithOwnRetention);

/// <summary>
/// Deletes conversations past their retention: the deployment's <see cref="RetentionOptions.ConversationDays"/> for
/// everyone, and each owner's own (shorter) setting for them. Stored <c>/v1/responses</c> responses follow the same
/// periods and go at the latest after <see cref="Responses.StoredResponse.Lifetime"/>. Every run is audited with its counts.
/// </summary>
public sealed partial class RetentionService(
    IConversationStore conversations, IIdentityStore identity, IAuditLog audit, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionService> logger, Responses.IResponseStore responses)
{
    public const int MaxDays = 36_500;

    public int? DeploymentDays => options.Value.ConversationDays;

    public async Task<RetentionRun> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var deleted = DeletedConversations.None;
        try
        {
            var own = await identity.ListRetentionDaysAsync(cancellationToken);
            foreach (var (owner, days) in own)
            {
                var effective = DeploymentDays is { } deployment ? Math.Min(deployment, days) : days;
                deleted = deleted.Plus(await conversations.DeleteConversationsOfAsync(owner, now.AddDays(-effective), cancellationToken));
                await responses.DeleteOfOwnerAsync(owner, now.AddDays(-effective), cancellationToken);
            }
            if (DeploymentDays is { } everyone)
                deleted = deleted.Plus(await conversations.DeleteInactiveConversationsAsync(now.AddDays(-everyone), cancellationToken));
            var responseDays = Math.Min(DeploymentDays ?? int.MaxValue, (int)Responses.StoredResponse.Lifetime.TotalDays);
            await responses.DeleteOlderThanAsync(now.AddDays(-responseDays), cancellationToken);
            // Expired web sessions are only removed when used again otherwise; nothing of them needs keeping.
            await identity.DeleteExpiredSessionsAsync(now, cancellationToken);
            audit.Record(new AuditEntry(AuditActions.System, AuditActions.RetentionRun, DeploymentDays is { } d ? $"{d} days" : "per-user only",
                AuditActions.Success, null, Describe(deleted) + string.Create(CultureInfo.InvariantCulture, $"; {own.Count} users with their own retention")));
            if (deleted.Conversations > 0)
                LogDeleted(logger, deleted.Conversations, deleted.Messages, deleted.Images);
            return new RetentionRun(now, deleted, own.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            audit.Record(new AuditEntry(AuditActions.System, AuditActions.RetentionRun, null, AuditActions.Failure, null,
                Describe(deleted) + " before failing: " + ex.GetType().Name));
            throw;
        }
    }

    /// <summary>Sets the caller's own retention: 1 day up to the deployment's period (or <see cref="MaxDays"/>), or null for none.</summary>
    public async Task SetOwnDaysAsync(string owner, int? days, CancellationToken cancellationToken = default)
    {
        var max = DeploymentDays ?? MaxDays;
        if (days is { } value && (value < 1 || value > max))
        {
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, DeploymentDays is { } deployment
                ? $"days must be between 1 and {deployment}: this server already deletes conversations after {deployment} days, so yours can only be shorter or equal."
                : $"days must be between 1 and {MaxDays}, or null to keep conversations until you delete them.");
        }
        await identity.SetRetentionDaysAsync(owner, days, cancellationToken);
    }

    public static string Describe(DeletedConversations deleted)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        return string.Create(CultureInfo.InvariantCulture,
            $"deleted {deleted.Conversations} conversations, {deleted.Messages} messages, {deleted.Images} images");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Conversations} conversations ({Messages} messages, {Images} images)")]
    private static partial void LogDeleted(ILogger logger, int conversations, int messages, int images);
}

namespace Parley.Audit;

/// <summary>
/// One row of the audit trail. <paramref name="Actor"/> is a user name, <c>anonymous</c> (a refused sign-in or key) or
/// <c>system</c> (retention runs); <paramref name="ViaKey"/> the API key id the actor used, if any. <paramref name="Detail"/>
/// is short and never holds secrets or prompt text.
/// </summary>
public sealed record AuditEvent(
    long Id, DateTimeOffset At, string Actor, string? ViaKey, string Action, string? Target, string Outcome, string? Address, string? Detail);

/// <summary>What <see cref="IAuditLog.Record"/> takes; the log stamps the time.</summary>
public sealed record AuditEntry(string Actor, string Action, string? Target, string Outcome, string? Address = null, string? Detail = null, string? ViaKey = null);

/// <summary>Newest first; <paramref name="Action"/> matches exactly or as a prefix before a dot (<c>key</c> matches <c>key.created</c>).</summary>
/// <param name="Cursor">The <see cref="AuditPage.NextCursor"/> of the previous page.</param>
public sealed record AuditQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Action = null, string? Actor = null, int Limit = 100, string? Cursor = null);

public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, string? NextCursor);

/// <summary>The actions Parley records. Outcomes are <see cref="Success"/> or <see cref="Failure"/>.</summary>
public static class AuditActions
{
    public const string Success = "success";
    public const string Failure = "failure";

    public const string System = "system";
    public const string Anonymous = "anonymous";

    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string SignIn = "auth.sign_in";
    public const string KeyRefused = "auth.key_refused";
    public const string PasswordChanged = "auth.password_changed";
    public const string UserCreated = "user.created";
    public const string UserDeleted = "user.deleted";
    public const string DataExported = "data.exported";
    public const string DataDeleted = "data.deleted";
    public const string RetentionChanged = "retention.changed";
    public const string RetentionRun = "retention.run";
    public const string ShareCreated = "share.created";
    public const string ShareRevoked = "share.revoked";
}

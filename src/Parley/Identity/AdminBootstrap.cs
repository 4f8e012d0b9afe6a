using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Identity;

/// <summary>Prepares the identity tables and, when PARLEY_ADMIN_PASSWORD is set and no account exists yet, creates the administrator PARLEY_ADMIN_USER (default <c>admin</c>).</summary>
internal sealed partial class AdminBootstrap(IdentityService identity, IOptions<AuthOptions> options, Audit.IAuditLog audit, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await identity.Store.InitializeAsync(cancellationToken);
        var auth = options.Value;
        if (string.IsNullOrEmpty(auth.AdminPassword) || await identity.Store.CountUsersAsync(cancellationToken) > 0)
        {
            if (auth.IsAccounts && await identity.Store.CountUsersAsync(cancellationToken) == 0)
                LogNoAccounts(logger);
            return;
        }
        var admin = await identity.CreateUserAsync(auth.AdminName, auth.AdminPassword, isAdmin: true, cancellationToken);
        audit.Record(new Audit.AuditEntry(Audit.AuditActions.System, Audit.AuditActions.UserCreated, "user:" + admin.Name, Audit.AuditActions.Success,
            Detail: "administrator from PARLEY_ADMIN_PASSWORD"));
        LogCreated(logger, admin.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the administrator account {User} from PARLEY_ADMIN_PASSWORD")]
    private static partial void LogCreated(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accounts mode has no accounts yet: set PARLEY_ADMIN_PASSWORD (and PARLEY_ADMIN_USER, default admin), or run 'Parley.Server users add NAME --admin'")]
    private static partial void LogNoAccounts(ILogger logger);
}

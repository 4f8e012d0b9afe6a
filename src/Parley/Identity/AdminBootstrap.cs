using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Identity;

/// <summary>Prepares the identity tables and, when PARLEY_ADMIN_USER/PARLEY_ADMIN_PASSWORD are set and no account exists yet, creates that administrator.</summary>
internal sealed partial class AdminBootstrap(IdentityService identity, IOptions<AuthOptions> options, Audit.IAuditLog audit, ILogger<AdminBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await identity.Store.InitializeAsync(cancellationToken);
        var auth = options.Value;
        if (string.IsNullOrWhiteSpace(auth.AdminUser) || await identity.Store.CountUsersAsync(cancellationToken) > 0)
        {
            if (auth.IsAccounts && await identity.Store.CountUsersAsync(cancellationToken) == 0)
                LogNoAccounts(logger);
            return;
        }
        var admin = await identity.CreateUserAsync(auth.AdminUser, auth.AdminPassword, isAdmin: true, cancellationToken);
        audit.Record(new Audit.AuditEntry(Audit.AuditActions.System, Audit.AuditActions.UserCreated, "user:" + admin.Name, Audit.AuditActions.Success,
            Detail: "administrator from PARLEY_ADMIN_USER"));
        LogCreated(logger, admin.Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the administrator account {User} from PARLEY_ADMIN_USER")]
    private static partial void LogCreated(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accounts mode has no accounts yet: set PARLEY_ADMIN_USER and PARLEY_ADMIN_PASSWORD, or run 'Parley.Server users add NAME --admin'")]
    private static partial void LogNoAccounts(ILogger logger);
}

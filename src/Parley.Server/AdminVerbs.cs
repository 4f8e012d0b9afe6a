using System.CommandLine;
using System.Globalization;
using Parley.Audit;
using Parley.Errors;
using Parley.Hosting;
using Parley.Identity;

namespace Parley.Server;

/// <summary>
/// <c>Parley.Server keys …</c> and <c>Parley.Server users …</c>: manage API keys and accounts on the configured store
/// without a running server (the way to create the first administrator in accounts mode, or a key from a deploy script).
/// </summary>
internal static class AdminVerbs
{
    public static bool Handles(string[] args) => args is ["keys" or "users", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Parley administration") { KeysCommand(), UsersCommand() };
        return await root.Parse(args).InvokeAsync();
    }

    private static Command KeysCommand()
    {
        var owner = new Option<string>("--owner") { Description = "The user whose conversations and budget the key reaches", Required = true };
        var name = new Option<string?>("--name") { Description = "A label, e.g. 'ci' or 'laptop'" };
        var models = new Option<string?>("--models") { Description = "Comma-separated models or patterns (mock/*); default all" };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute through this key" };
        var daily = new Option<long?>("--daily-tokens") { Description = "Tokens per UTC day through this key" };
        var streams = new Option<int?>("--streams") { Description = "Concurrent streams through this key" };
        var expires = new Option<string?>("--expires") { Description = "A date (2027-01-31) or a number of days (30d)" };
        var create = new Command("create", "Create an API key; prints the secret once") { owner, name, models, rpm, daily, streams, expires };
        create.SetAction((parse, cancellation) => WithIdentity(async (identity, audit) =>
        {
            var ownerName = UserNames.Normalize(parse.GetValue(owner) ?? "");
            var (key, secret) = await identity.CreateKeyAsync(new NewApiKey(
                parse.GetValue(name), await identity.OwnerIdOfAsync(ownerName, cancellation),
                parse.GetValue(models)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(rpm), parse.GetValue(daily), parse.GetValue(streams), Expiry(parse.GetValue(expires))), cancellation);
            await audit(AuditActions.KeyCreated, "key:" + key.Id, $"owner {ownerName}");
            await Console.Error.WriteLineAsync($"Created API key {key.Prefix}… '{key.Name}' for {ownerName}. It is shown once:");
            Console.WriteLine(secret);
        }));

        var listOwner = new Option<string?>("--owner") { Description = "Only this user's keys" };
        var list = new Command("list", "List API keys (never their secrets)") { listOwner };
        list.SetAction((parse, cancellation) => WithIdentity(async (identity, _) =>
        {
            var ownerId = parse.GetValue(listOwner) is { } ownerName ? await identity.OwnerIdOfAsync(ownerName, cancellation) : null;
            var names = await identity.OwnerNamesAsync(cancellation);
            foreach (var key in await identity.Store.ListKeysAsync(ownerId, cancellation))
            {
                var state = key.RevokedAt is not null ? "revoked" : key.ExpiresAt <= DateTimeOffset.UtcNow ? "expired" : "active";
                Console.WriteLine(string.Join('\t', key.Id, state, names.Of(key.Owner), key.Name,
                    key.Models.Count == 0 ? "*" : string.Join(',', key.Models), key.ExpiresAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-"));
            }
        }));

        var id = new Argument<string>("id") { Description = "The key's id (the part after pk_)" };
        var revoke = new Command("revoke", "Revoke an API key") { id };
        revoke.SetAction((parse, cancellation) => WithIdentity(async (identity, audit) =>
        {
            await identity.RevokeKeyAsync(parse.GetValue(id)!, CallerIdentity.Local, cancellation);
            await audit(AuditActions.KeyRevoked, "key:" + parse.GetValue(id), null);
            await Console.Error.WriteLineAsync($"Revoked {parse.GetValue(id)}.");
        }));
        return new Command("keys", "Manage API keys") { create, list, revoke };
    }

    private static Command UsersCommand()
    {
        var name = new Argument<string>("name") { Description = "The user name" };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator" };
        var add = new Command("add", "Add a user; the password is read from PARLEY_PASSWORD or the first line of standard input") { name, admin };
        add.SetAction((parse, cancellation) => WithIdentity(async (identity, audit) =>
        {
            var user = await identity.CreateUserAsync(parse.GetValue(name), ReadPassword(), parse.GetValue(admin), cancellation);
            await audit(AuditActions.UserCreated, "user:" + user.Name, user.IsAdmin ? "administrator" : null);
            await Console.Error.WriteLineAsync($"Added {(user.IsAdmin ? "administrator" : "user")} {user.Name}.");
        }));

        var list = new Command("list", "List users");
        list.SetAction((parse, cancellation) => WithIdentity(async (identity, _) =>
        {
            foreach (var user in await identity.Store.ListUsersAsync(cancellation))
                Console.WriteLine(string.Join('\t', user.Name, user.IsAdmin ? "admin" : "user", user.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }));

        var removeName = new Argument<string>("name") { Description = "The user name" };
        var remove = new Command("remove", "Remove a user with everything they own: conversations, files, usage records, keys and sessions") { removeName };
        remove.SetAction((parse, cancellation) => WithIdentity(async (identity, audit) =>
        {
            await identity.DeleteUserAsync(parse.GetValue(removeName)!, cancellation);
            await audit(AuditActions.UserDeleted, "user:" + UserNames.Normalize(parse.GetValue(removeName)!), null);
            await Console.Error.WriteLineAsync($"Removed {parse.GetValue(removeName)}.");
        }));
        return new Command("users", "Manage local accounts") { add, list, remove };
    }

    /// <summary>Runs a verb against the configured stores; what it changes is audited with the actor <c>cli</c> (written at once: no background writer runs here).</summary>
    private static async Task<int> WithIdentity(Func<IdentityService, Func<string, string, string?, Task>, Task> action)
    {
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.AddParley();
            await using var app = builder.Build();
            var identity = app.Services.GetRequiredService<IdentityService>();
            await identity.Store.InitializeAsync();
            var auditStore = app.Services.GetRequiredService<IAuditStore>();
            await auditStore.InitializeAsync();
            await action(identity, (auditAction, target, detail) => auditStore.AppendAsync(
                [new AuditEvent(0, DateTimeOffset.UtcNow, "cli", null, auditAction, target, AuditActions.Success, null, detail)]));
            return 0;
        }
        catch (ParleyException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static DateTimeOffset? Expiry(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.EndsWith('d') && int.TryParse(value[..^1], CultureInfo.InvariantCulture, out var days) && days > 0)
            return DateTimeOffset.UtcNow.AddDays(days);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"--expires must be a date (2027-01-31) or days (30d), not '{value}'.");
    }

    private static string? ReadPassword() =>
        Environment.GetEnvironmentVariable("PARLEY_PASSWORD") is { Length: > 0 } fromEnvironment ? fromEnvironment : Console.In.ReadLine();
}

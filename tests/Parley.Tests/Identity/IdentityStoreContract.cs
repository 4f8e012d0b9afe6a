using Parley.Identity;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Identity;

/// <summary>The behaviour every <see cref="IIdentityStore"/> must have; each store runs this suite.</summary>
public abstract class IdentityStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected IIdentityStore Store { get; private set; } = null!;

    protected abstract Task<IIdentityStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static ApiKey Key(string id, string owner = "alice", int minutes = 0) => new(
        id, "ci", owner, ApiKeySecret.Hash("secret-" + id), ["mock/*", "openai/gpt-4o"], 10, 5000, 2, T0.AddDays(30), T0.AddMinutes(minutes));

    private const string AliceId = "u_0123456789abcdef0123456789abcdef";
    private const string BobId = "u_fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task Users_are_added_once_found_case_insensitively_listed_and_counted()
    {
        Assert.True(await Store.AddUserAsync(new UserAccount(AliceId, "alice", "hash-a", false, T0)));
        Assert.False(await Store.AddUserAsync(new UserAccount("u_other", "alice", "other", true, T0)));
        Assert.True(await Store.AddUserAsync(new UserAccount(BobId, "bob", "hash-b", true, T0.AddMinutes(1))));

        Assert.Equal(new UserAccount(AliceId, "alice", "hash-a", false, T0), await Store.GetUserByNameAsync("ALICE"));
        Assert.Null(await Store.GetUserByNameAsync("carol"));
        Assert.Equal(["alice", "bob"], (await Store.ListUsersAsync()).Select(u => u.Name));
        Assert.Equal(2, await Store.CountUsersAsync());
        Assert.True(await Store.SetPasswordAsync(AliceId, "hash-new"));
        Assert.False(await Store.SetPasswordAsync("alice", "x"));
        Assert.Equal("hash-new", (await Store.GetUserByNameAsync("alice"))!.PasswordHash);
    }

    [Fact]
    public async Task Users_are_found_by_id_or_by_name_never_one_for_the_other_and_an_id_is_taken_once()
    {
        Assert.True(await Store.AddUserAsync(new UserAccount(AliceId, "alice", "hash-a", false, T0)));
        // A user whose name is alice's id is a different account; neither lookup crosses over.
        Assert.True(await Store.AddUserAsync(new UserAccount(BobId, AliceId, "hash-b", false, T0)));
        Assert.False(await Store.AddUserAsync(new UserAccount(AliceId, "carol", "hash-c", false, T0)));

        Assert.Equal("alice", (await Store.GetUserByIdAsync(AliceId))!.Name);
        Assert.Equal(BobId, (await Store.GetUserByNameAsync(AliceId))!.Id);
        Assert.Null(await Store.GetUserByIdAsync("alice"));
        Assert.Null(await Store.GetUserByNameAsync(BobId));
        Assert.Null(await Store.GetUserByNameAsync("carol"));
        Assert.Equal(2, await Store.CountUsersAsync());
    }

    [Fact]
    public async Task Keys_round_trip_list_by_owner_newest_first_and_keep_their_first_revocation()
    {
        await Store.AddKeyAsync(Key("aaaaaaaaaaaa", minutes: 0));
        await Store.AddKeyAsync(Key("bbbbbbbbbbbb", minutes: 1));
        await Store.AddKeyAsync(Key("cccccccccccc", owner: "bob", minutes: 2));

        var expected = Key("aaaaaaaaaaaa");
        var loaded = await Store.GetKeyAsync("aaaaaaaaaaaa");
        Assert.Equal(expected.Models, loaded!.Models);
        Assert.Equal(expected, loaded with { Models = expected.Models });
        Assert.Null(await Store.GetKeyAsync("zzzzzzzzzzzz"));
        Assert.Equal(["bbbbbbbbbbbb", "aaaaaaaaaaaa"], (await Store.ListKeysAsync("alice")).Select(k => k.Id));
        Assert.Equal(["cccccccccccc", "bbbbbbbbbbbb", "aaaaaaaaaaaa"], (await Store.ListKeysAsync(null)).Select(k => k.Id));

        Assert.True(await Store.RevokeKeyAsync("aaaaaaaaaaaa", T0.AddHours(1)));
        Assert.True(await Store.RevokeKeyAsync("aaaaaaaaaaaa", T0.AddHours(2)));
        Assert.False(await Store.RevokeKeyAsync("zzzzzzzzzzzz", T0));
        Assert.Equal(T0.AddHours(1), (await Store.GetKeyAsync("aaaaaaaaaaaa"))!.RevokedAt);

        await Store.TouchKeyAsync("bbbbbbbbbbbb", T0.AddHours(3));
        Assert.Equal(T0.AddHours(3), (await Store.GetKeyAsync("bbbbbbbbbbbb"))!.LastUsedAt);
    }

    [Fact]
    public async Task Deleting_a_user_ends_their_sessions_and_revokes_their_keys_only()
    {
        await Store.AddUserAsync(new UserAccount(AliceId, "alice", "h", false, T0));
        await Store.AddKeyAsync(Key("aaaaaaaaaaaa", owner: AliceId));
        await Store.AddKeyAsync(Key("cccccccccccc", owner: "alice"));
        await Store.AddSessionAsync(new UserSession("s1", AliceId, T0, T0.AddDays(1)));
        await Store.AddSessionAsync(new UserSession("s2", "alice", T0, T0.AddDays(1)));

        Assert.False(await Store.DeleteUserAsync("alice", T0.AddHours(1)));
        Assert.True(await Store.DeleteUserAsync(AliceId, T0.AddHours(1)));
        Assert.False(await Store.DeleteUserAsync(AliceId, T0.AddHours(1)));

        Assert.Null(await Store.GetUserByNameAsync("alice"));
        Assert.Null(await Store.GetSessionAsync("s1"));
        Assert.NotNull(await Store.GetSessionAsync("s2"));
        Assert.Equal(T0.AddHours(1), (await Store.GetKeyAsync("aaaaaaaaaaaa"))!.RevokedAt);
        Assert.Null((await Store.GetKeyAsync("cccccccccccc"))!.RevokedAt);
    }

    [Fact]
    public async Task Sessions_are_found_by_their_hash_and_deleted_singly_or_per_user()
    {
        var session = new UserSession("hash-1", "alice", T0, T0.AddDays(30));
        await Store.AddSessionAsync(session);
        await Store.AddSessionAsync(new UserSession("hash-2", "alice", T0, T0.AddDays(30)));
        await Store.AddSessionAsync(new UserSession("hash-3", "bob", T0, T0.AddDays(30)));

        Assert.Equal(session, await Store.GetSessionAsync("hash-1"));
        await Store.AddSessionAsync(new UserSession("hash-old", "carol", T0.AddDays(-40), T0.AddDays(-10)));
        Assert.Equal(1, await Store.DeleteExpiredSessionsAsync(T0));
        Assert.Null(await Store.GetSessionAsync("hash-old"));
        Assert.NotNull(await Store.GetSessionAsync("hash-1"));
        await Store.DeleteSessionAsync("hash-1");
        Assert.Null(await Store.GetSessionAsync("hash-1"));
        await Store.DeleteSessionsOfAsync("ALICE");
        Assert.Null(await Store.GetSessionAsync("hash-2"));
        Assert.NotNull(await Store.GetSessionAsync("hash-3"));
    }

    [Fact]
    public async Task Deleting_an_owners_keys_removes_the_rows_of_that_owner_only()
    {
        await Store.AddKeyAsync(Key("aaaaaaaaaaaa"));
        await Store.AddKeyAsync(Key("bbbbbbbbbbbb"));
        await Store.AddKeyAsync(Key("cccccccccccc", owner: "bob"));

        Assert.Equal(2, await Store.DeleteKeysOfAsync("ALICE"));
        Assert.Null(await Store.GetKeyAsync("aaaaaaaaaaaa"));
        Assert.Empty(await Store.ListKeysAsync("alice"));
        Assert.NotNull(await Store.GetKeyAsync("cccccccccccc"));
        Assert.Equal(0, await Store.DeleteKeysOfAsync("alice"));
    }

    [Fact]
    public async Task Own_retention_is_kept_per_owner_with_or_without_an_account_and_cleared_with_null()
    {
        Assert.Null(await Store.GetRetentionDaysAsync("local"));
        await Store.SetRetentionDaysAsync("local", 30);
        await Store.SetRetentionDaysAsync("alice", 7);
        await Store.SetRetentionDaysAsync("Alice", 5);
        Assert.Equal(30, await Store.GetRetentionDaysAsync("local"));
        Assert.Equal(5, await Store.GetRetentionDaysAsync("alice"));
        var all = await Store.ListRetentionDaysAsync();
        Assert.Equal(2, all.Count);
        Assert.Equal(5, all["alice"]);

        await Store.SetRetentionDaysAsync("local", null);
        Assert.Null(await Store.GetRetentionDaysAsync("local"));
        Assert.Equal(["alice"], (await Store.ListRetentionDaysAsync()).Keys.Select(k => k.ToLowerInvariant()));
    }

    [Fact]
    public async Task Preferences_are_kept_per_owner_beside_their_retention_and_cleared_with_null()
    {
        Assert.Null(await Store.GetPreferencesAsync("alice"));
        await Store.SetRetentionDaysAsync("alice", 9);
        await Store.SetPreferencesAsync("alice", """{"theme":"dark"}""");
        await Store.SetPreferencesAsync("ALICE", """{"theme":"light"}""");
        await Store.SetPreferencesAsync("bob", """{"temperature":0.2}""");
        Assert.Equal("""{"theme":"light"}""", await Store.GetPreferencesAsync("alice"));
        Assert.Equal("""{"temperature":0.2}""", await Store.GetPreferencesAsync("bob"));
        Assert.Equal(9, await Store.GetRetentionDaysAsync("alice"));

        await Store.SetRetentionDaysAsync("alice", 3);
        Assert.Equal("""{"theme":"light"}""", await Store.GetPreferencesAsync("alice"));
        await Store.SetPreferencesAsync("alice", null);
        Assert.Null(await Store.GetPreferencesAsync("alice"));
        Assert.Equal(3, await Store.GetRetentionDaysAsync("alice"));
        Assert.Equal(["alice"], (await Store.ListRetentionDaysAsync()).Keys.Select(k => k.ToLowerInvariant()));
    }
}

public sealed class InMemoryIdentityStoreTests : IdentityStoreContract
{
    protected override Task<IIdentityStore> CreateStoreAsync() => Task.FromResult<IIdentityStore>(new InMemoryIdentityStore());
}

public sealed class SqliteIdentityStoreTests : IdentityStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IIdentityStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IIdentityStore>(new SqlIdentityStore(SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db"))));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

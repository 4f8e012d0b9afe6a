using Parley.Sharing;

namespace Parley.Tests.Sharing;

/// <summary>The behaviour every <see cref="IShareStore"/> must have; each store runs this suite.</summary>
public abstract class ShareStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected IShareStore Store { get; private set; } = null!;

    protected abstract Task<IShareStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static ShareLink Link(string owner, int minutes, string? leaf = "m_2") =>
        new(ShareLink.NewToken(), owner, "c_1", leaf, "A title", """[{"role":"user","text":"hi"}]""", T0.AddMinutes(minutes));

    [Fact]
    public async Task A_link_is_found_by_its_token_exactly_as_saved()
    {
        var link = Link("alice", 0);
        await Store.AddAsync(link);
        Assert.Equal(link, await Store.GetAsync(link.Token));
        Assert.Null(await Store.GetAsync(link.Token + "x"));
        Assert.Null(await Store.GetAsync("unknown"));
        var noLeaf = Link("alice", 1, leaf: null);
        await Store.AddAsync(noLeaf);
        Assert.Null((await Store.GetAsync(noLeaf.Token))!.LeafId);
    }

    [Fact]
    public async Task Owners_list_their_own_links_newest_first_case_insensitively()
    {
        var older = Link("alice", 0);
        var newer = Link("Alice", 5);
        var bobs = Link("bob", 3);
        foreach (var l in new[] { older, newer, bobs })
            await Store.AddAsync(l);
        Assert.Equal([newer.Token, older.Token], (await Store.ListAsync("ALICE")).Select(l => l.Token));
        Assert.Equal([bobs.Token], (await Store.ListAsync("bob")).Select(l => l.Token));
        Assert.Empty(await Store.ListAsync("carol"));
    }

    [Fact]
    public async Task Only_the_owner_revokes_and_a_revoked_link_is_gone()
    {
        var link = Link("alice", 0);
        await Store.AddAsync(link);
        Assert.False(await Store.RevokeAsync("bob", link.Token));
        Assert.NotNull(await Store.GetAsync(link.Token));
        Assert.True(await Store.RevokeAsync("ALICE", link.Token));
        Assert.Null(await Store.GetAsync(link.Token));
        Assert.False(await Store.RevokeAsync("alice", link.Token));
    }

    [Fact]
    public async Task Deleting_an_owners_links_leaves_everyone_elses()
    {
        await Store.AddAsync(Link("alice", 0));
        await Store.AddAsync(Link("alice", 1));
        var bobs = Link("bob", 2);
        await Store.AddAsync(bobs);
        Assert.Equal(2, await Store.DeleteOfOwnerAsync("Alice"));
        Assert.Empty(await Store.ListAsync("alice"));
        Assert.NotNull(await Store.GetAsync(bobs.Token));
    }
}

public sealed class InMemoryShareStoreTests : ShareStoreContract
{
    protected override Task<IShareStore> CreateStoreAsync() => Task.FromResult<IShareStore>(new InMemoryShareStore());
}

public sealed class SqliteShareStoreTests : ShareStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IShareStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IShareStore>(new SqlShareStore(Parley.Storage.Sqlite.SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db"))));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

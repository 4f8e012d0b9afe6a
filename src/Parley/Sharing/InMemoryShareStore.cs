using System.Collections.Concurrent;

namespace Parley.Sharing;

/// <summary>Share links in memory (tests and the library mode).</summary>
public sealed class InMemoryShareStore : IShareStore
{
    private readonly ConcurrentDictionary<string, ShareLink> _links = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AddAsync(ShareLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (!_links.TryAdd(link.Token, link))
            throw new InvalidOperationException("A share link with that token exists.");
        return Task.CompletedTask;
    }

    public Task<ShareLink?> GetAsync(string token, CancellationToken cancellationToken = default) =>
        Task.FromResult(_links.TryGetValue(token, out var link) ? link : null);

    public Task<IReadOnlyList<ShareLink>> ListAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ShareLink>>([.. Of(owner).OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Token, StringComparer.Ordinal)]);

    public Task<bool> RevokeAsync(string owner, string token, CancellationToken cancellationToken = default) =>
        Task.FromResult(_links.TryGetValue(token, out var link) && Owns(link, owner) && _links.TryRemove(token, out _));

    public Task<int> DeleteOfOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(Of(owner).Count(l => _links.TryRemove(l.Token, out _)));

    private List<ShareLink> Of(string owner) => [.. _links.Values.Where(l => Owns(l, owner))];

    private static bool Owns(ShareLink link, string owner) => string.Equals(link.Owner, owner, StringComparison.OrdinalIgnoreCase);
}

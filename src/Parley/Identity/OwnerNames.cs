namespace Parley.Identity;

/// <summary>
/// Shows owner ids as the names people know: an account's id becomes its name. Any other owner (<c>local</c>, a key's
/// owner without an account, <c>bot:…</c>, a deleted account's id) is shown as it is stored.
/// </summary>
public sealed class OwnerNames(IReadOnlyDictionary<string, string> namesById)
{
    public string Of(string ownerId) => namesById.TryGetValue(ownerId, out var name) ? name : ownerId;
}

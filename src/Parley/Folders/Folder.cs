using Parley.Conversations;

namespace Parley.Folders;

/// <summary>One of an owner's folders; conversations point at it with <see cref="Conversation.FolderId"/>.</summary>
public sealed record Folder(string Id, string Owner, string Name, DateTimeOffset CreatedAt)
{
    /// <summary>The longest name a folder may have, in characters.</summary>
    public const int MaxNameLength = 80;

    /// <summary>How many folders one owner may have.</summary>
    public const int MaxPerOwner = 200;

    public static string NewId() => Ids.New("f");
}

using Parley.Conversations;
using Parley.Storage;

namespace Parley.Portability;

/// <summary>A validated file, ready to write: nothing in it needs checking again.</summary>
public sealed record ImportPlan(string Format, IReadOnlyList<PlannedConversation> Conversations)
{
    /// <summary>The file's folders; a conversation's <see cref="Conversation.FolderId"/> names one of their <see cref="PlannedFolder.SourceId"/>s.</summary>
    public IReadOnlyList<PlannedFolder> Folders { get; init; } = [];
}

/// <summary>A folder of the file, by the id the file gives it; <see cref="CreatedAt"/> null when the file has none.</summary>
public sealed record PlannedFolder(string SourceId, string Name, DateTimeOffset? CreatedAt);

/// <summary>
/// One conversation to write, owner already set. <see cref="KeepIds"/> is true when its ids came from a Parley
/// export and should be kept if they are free; ChatGPT imports always get fresh Parley ids.
/// </summary>
public sealed record PlannedConversation(
    string SourceId, Conversation Conversation, IReadOnlyList<StoredMessage> Messages, IReadOnlyList<StoredImage> Blobs, bool KeepIds);

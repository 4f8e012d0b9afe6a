using Parley.Conversations;
using Parley.Storage;

namespace Parley.Portability;

/// <summary>A validated file, ready to write: nothing in it needs checking again.</summary>
public sealed record ImportPlan(string Format, IReadOnlyList<PlannedConversation> Conversations);

/// <summary>
/// One conversation to write, owner already set. <see cref="KeepIds"/> is true when its ids came from a Parley
/// export and should be kept if they are free; ChatGPT imports always get fresh Parley ids.
/// </summary>
public sealed record PlannedConversation(
    string SourceId, Conversation Conversation, IReadOnlyList<StoredMessage> Messages, IReadOnlyList<StoredImage> Blobs, bool KeepIds);

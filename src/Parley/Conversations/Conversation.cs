namespace Parley.Conversations;

/// <summary>A stored conversation's settings; its messages are kept separately as a tree.</summary>
public sealed record Conversation
{
    public required string Id { get; init; }

    public required string Owner { get; init; }

    public string Title { get; init; } = "New chat";

    /// <summary>Set once an automatic or user title replaced the default.</summary>
    public bool HasTitle { get; init; }

    public string? SystemPrompt { get; init; }

    /// <summary><c>provider/model</c>, or null for the server's default model.</summary>
    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }

    /// <summary>The tools this conversation offers models, by name; null means the server's default tools, empty means none.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>The message whose branch the user chose to see (the newest leaf under it is shown); null for the newest branch.</summary>
    public string? SelectedLeafId { get; init; }

    /// <summary>Shown above the other conversations in the owner's list. Changed only with <see cref="Storage.IConversationStore.SetPinnedAsync"/>.</summary>
    public bool Pinned { get; init; }

    /// <summary>The owner's folder it is filed in (see <see cref="Folders.IFolderStore"/>), null for none. Changed only with <see cref="Storage.IConversationStore.MoveToFolderAsync"/>.</summary>
    public string? FolderId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public int MessageCount { get; init; }

    public static string NewId() => Ids.New("c");
}

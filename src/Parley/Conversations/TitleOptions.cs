using System.ComponentModel.DataAnnotations;

namespace Parley.Conversations;

/// <summary>
/// Section <c>Parley:Titles</c>: after a conversation's first reply, a model writes its title, charged to the user like
/// any call (usage surface <c>titles</c>). The first message cut short is the title until then, and stays the title when
/// the model fails, times out or answers nothing usable. Open tabs hear the new title as a rename.
/// </summary>
public sealed class TitleOptions
{
    public const string Section = "Parley:Titles";

    /// <summary>True lets a model write each new conversation's title; false keeps the first message cut short.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The <c>provider/model</c> that writes titles (a small one); empty: the model that wrote the first reply (except a
    /// library app's handler, which is never asked).
    /// </summary>
    public string? Model { get; set; }

    /// <summary>Most tokens a title may take (the model's output limit for the call).</summary>
    [Range(4, 200)]
    public int MaxTokens { get; set; } = 24;

    /// <summary>How long the title call may take, in seconds, before the first-message title is kept.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 20;
}

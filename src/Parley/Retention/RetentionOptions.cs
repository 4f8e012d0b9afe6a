using System.ComponentModel.DataAnnotations;

namespace Parley.Retention;

/// <summary>
/// Section <c>Parley:Retention</c>: conversations (with their messages, images and files) whose last activity is older
/// than <see cref="ConversationDays"/> are deleted by a background job. Each user may set a shorter period of their own
/// (<c>PUT /api/me/retention</c>).
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Parley:Retention";

    /// <summary>Days a conversation is kept after its last message; empty keeps conversations until deleted (users may still set their own).</summary>
    [Range(1, 36_500)]
    public int? ConversationDays { get; set; }

    /// <summary>Minutes between retention runs (the first runs at startup).</summary>
    [Range(1, 10_080)]
    public int IntervalMinutes { get; set; } = 60;
}

namespace Parley.Privacy;

/// <summary>
/// Section <c>Parley:Logging</c>. Prompts and completions never reach the logs unless <see cref="IncludeContent"/> is
/// on; then the chat runner logs them at Debug, with emails, phone numbers, card numbers, API keys and bearer tokens redacted.
/// </summary>
public sealed class ContentLoggingOptions
{
    public const string Section = "Parley:Logging";

    /// <summary>True logs each call's prompt and completion (redacted) at Debug under the <c>Parley.Chat.ChatRunner</c> category.</summary>
    public bool IncludeContent { get; set; }
}

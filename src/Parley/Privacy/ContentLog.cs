using Microsoft.Extensions.Logging;

namespace Parley.Privacy;

/// <summary>
/// The one place prompts and completions may be logged: only when <see cref="ContentLoggingOptions.IncludeContent"/> is
/// on, at Debug, and always through <see cref="Redactor"/>.
/// </summary>
public static partial class ContentLog
{
    public static bool Enabled(ContentLoggingOptions? options, ILogger logger) =>
        options?.IncludeContent == true && logger.IsEnabled(LogLevel.Debug);

    public static void Prompt(ILogger logger, string model, string text)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        var redacted = Redactor.Redact(text);
        LogPrompt(logger, model, redacted);
    }

    public static void Completion(ILogger logger, string model, string text)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!logger.IsEnabled(LogLevel.Debug))
            return;
        var redacted = Redactor.Redact(text);
        LogCompletion(logger, model, redacted);
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Prompt to {Model} (redacted): {Prompt}")]
    private static partial void LogPrompt(ILogger logger, string model, string prompt);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Debug, Message = "Completion from {Model} (redacted): {Completion}")]
    private static partial void LogCompletion(ILogger logger, string model, string completion);
}

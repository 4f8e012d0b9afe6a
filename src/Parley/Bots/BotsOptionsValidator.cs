using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Parley.Bots;

/// <summary>Checks bot names and the BubbleTea BotConfig limits (display name 20, subtitle 30, emoji 10 characters) at startup.</summary>
internal sealed partial class BotsOptionsValidator : IValidateOptions<BotsOptions>
{
    public ValidateOptionsResult Validate(string? name, BotsOptions options)
    {
        var failures = new List<string>();
        foreach (var (bot, settings) in options.Bots)
        {
            var key = $"{BotsOptions.Section}:Bots:{bot}";
            if (!BotName().IsMatch(bot))
                failures.Add($"{key}: a bot name is used in URLs, so it may hold only letters, digits, '-' and '_'; '{bot}' does not.");
            if (settings.Platform is not (BotPlatforms.BubbleTea or BotPlatforms.Webhook))
                failures.Add($"{key}:Platform must be '{BotPlatforms.BubbleTea}' or '{BotPlatforms.Webhook}', not '{settings.Platform}'.");
            if (settings.DisplayName is { Length: > 20 } display)
                failures.Add($"{key}:DisplayName may have at most 20 characters (BubbleTea's limit); '{display}' has {display.Length}.");
            if (settings.Subtitle is { Length: > 30 } subtitle)
                failures.Add($"{key}:Subtitle may have at most 30 characters (BubbleTea's limit); it has {subtitle.Length}.");
            if (settings.IconEmoji is { Length: > 10 } emoji)
                failures.Add($"{key}:IconEmoji may have at most 10 characters; it has {emoji.Length}.");
            if (settings.MaxTokens is < 1)
                failures.Add($"{key}:MaxTokens must be at least 1, not {settings.MaxTokens}.");
            if (settings.Temperature is < 0 or > 2)
                failures.Add($"{key}:Temperature must be between 0 and 2, not {settings.Temperature}.");
        }
        if (!string.IsNullOrWhiteSpace(options.RootBot) && !options.Bots.ContainsKey(options.RootBot))
            failures.Add($"{BotsOptions.Section}:RootBot names '{options.RootBot}', which is not a configured bot.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex BotName();
}

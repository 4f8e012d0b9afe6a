using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Resilience;

/// <summary>Checks <see cref="ResilienceOptions"/> at startup: ranges, delays, and that every fallback names a model the catalog resolves.</summary>
public sealed class ResilienceOptionsValidator(ModelCatalog catalog) : IValidateOptions<ResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Configuration.OptionsAnnotations.Check(options, ResilienceOptions.Section, errors);
        if (options.BaseDelay <= TimeSpan.Zero)
            errors.Add($"{ResilienceOptions.Section}:BaseDelay must be positive (e.g. 00:00:00.5).");
        if (options.MaxDelay < options.BaseDelay)
            errors.Add($"{ResilienceOptions.Section}:MaxDelay must be at least BaseDelay.");
        if (options.MaxRetryAfter < TimeSpan.Zero)
            errors.Add($"{ResilienceOptions.Section}:MaxRetryAfter must not be negative.");

        foreach (var (model, fallbacks) in options.Fallbacks)
        {
            var primary = TryResolve(model, $"{ResilienceOptions.Section}:Fallbacks:{model}", errors);
            foreach (var fallback in fallbacks)
            {
                var entry = TryResolve(fallback, $"{ResilienceOptions.Section}:Fallbacks:{model} lists '{fallback}', which", errors);
                if (entry is not null && primary is not null && entry.Id.Equals(primary.Id, StringComparison.OrdinalIgnoreCase))
                    errors.Add($"{ResilienceOptions.Section}:Fallbacks:{model} lists the model itself as its fallback.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private ModelEntry? TryResolve(string model, string subject, List<string> errors)
    {
        try
        {
            return catalog.Resolve(model);
        }
        catch (ParleyException)
        {
            errors.Add($"{subject} is not a configured model (use provider/model, e.g. mock/echo, or an alias).");
            return null;
        }
    }
}

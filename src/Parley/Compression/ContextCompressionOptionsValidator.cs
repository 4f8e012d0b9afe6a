using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Compression;

/// <summary>Checks <see cref="ContextCompressionOptions"/> at startup: ranges, and that the summariser model exists.</summary>
public sealed class ContextCompressionOptionsValidator(ModelCatalog catalog) : IValidateOptions<ContextCompressionOptions>
{
    public ValidateOptionsResult Validate(string? name, ContextCompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Configuration.OptionsAnnotations.Check(options, ContextCompressionOptions.Section, errors);
        if (options.KeepRecentPercent >= options.TriggerPercent)
            errors.Add($"{ContextCompressionOptions.Section}:KeepRecentPercent must be below TriggerPercent, or every summary would be redone on the next turn.");
        if (options.Enabled && !string.IsNullOrWhiteSpace(options.Model))
        {
            try
            {
                catalog.Resolve(options.Model);
            }
            catch (ParleyException ex)
            {
                errors.Add($"{ContextCompressionOptions.Section}:Model: {ex.Message}");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

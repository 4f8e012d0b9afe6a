using Microsoft.Extensions.Options;

namespace Parley.Usage;

/// <summary>Checks <see cref="UsageOptions"/> at startup, prices included.</summary>
public sealed class UsageOptionsValidator : IValidateOptions<UsageOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Configuration.OptionsAnnotations.Check(options, UsageOptions.Section, errors);
        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0)
                errors.Add($"{UsageOptions.Section}:Prices:{model} needs InputPerMillion and OutputPerMillion of 0 or more (USD per million tokens).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Parley.Caching;

/// <summary>Checks <see cref="CacheOptions"/> at startup.</summary>
public sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            errors.AddRange(results.Select(r => $"{CacheOptions.Section}: {r.ErrorMessage}"));
        if (options.MaxEntryBytes > options.MaxTotalBytes)
            errors.Add($"{CacheOptions.Section}:MaxEntryBytes must not exceed MaxTotalBytes.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Parley.Configuration;

/// <summary>Checks an options class's data annotations at startup, naming its section in each error.</summary>
public sealed class AnnotatedOptionsValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => $"{section}: {r.ErrorMessage}"));
    }
}

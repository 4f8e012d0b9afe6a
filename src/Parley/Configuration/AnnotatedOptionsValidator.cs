using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Parley.Configuration;

/// <summary>Checks an options class's data annotations at startup, naming its section in each error.</summary>
public sealed class AnnotatedOptionsValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        OptionsAnnotations.Check(options, section, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

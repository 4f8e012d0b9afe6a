using System.ComponentModel.DataAnnotations;

namespace Parley.Configuration;

/// <summary>The data-annotation check every options validator starts with: one error per broken rule, prefixed with the section's path.</summary>
public static class OptionsAnnotations
{
    /// <summary>Adds <c>{path}: {message}</c> to <paramref name="errors"/> for each annotation <paramref name="options"/> breaks.</summary>
    public static void Check(object options, string path, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
                errors.Add($"{path}: {result.ErrorMessage}");
        }
    }
}

using Microsoft.Extensions.Options;

namespace Parley.Configuration;

/// <summary>Recognises startup failures caused by configuration and says them in one line.</summary>
public static class ConfigurationProblem
{
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        InvalidOperationException { Message: var m } when m.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            m + " Check that setting's value.",
        AggregateException { InnerExceptions: [var inner] } => Describe(inner),
        _ => null,
    };
}

using Microsoft.Extensions.AI;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>
/// The one way middleware learns who a call is for: <see cref="ChatRunner"/> puts the turn's <see cref="Caller"/> into
/// the options it passes down the pipeline, and every layer (and the provider handler) reads it from there.
/// </summary>
public static class ChatOptionsCaller
{
    private const string Key = "parley.caller";

    /// <summary>The caller the options were made for; <see cref="Caller.Unknown"/> when none was set.</summary>
    public static Caller GetCaller(this ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var value) == true && value is Caller caller ? caller : Caller.Unknown;

    /// <summary>Records <paramref name="caller"/> on <paramref name="options"/> and returns them.</summary>
    public static ChatOptions WithCaller(this ChatOptions options, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(caller);
        (options.AdditionalProperties ??= [])[Key] = caller;
        return options;
    }
}

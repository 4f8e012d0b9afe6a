using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tools;

/// <summary>
/// The one mapping of tool calls and results to text inside the engine: arguments as a JSON object, results (or the
/// <see cref="FunctionResultContent.Exception"/> of a failed call) as the text the model and the tool card see.
/// Provider adapters, events, context fitting, summaries and token counts all use it.
/// </summary>
public static class ToolContent
{
    // AIJsonUtilities.DefaultOptions indents; arguments and results travel on one line, as providers send them.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>Where a call's arguments are kept verbatim when the model wrote something that is not a JSON object.</summary>
    public const string RawArgumentsKey = "raw_arguments";

    /// <summary>A call's arguments as a JSON object (<c>{}</c> when it has none).</summary>
    public static string ArgumentsJson(IDictionary<string, object?>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments, Compact);

    /// <summary>A call's arguments as the model wrote them: the verbatim text of unparsable arguments, otherwise <see cref="ArgumentsJson(IDictionary{string, object?}?)"/>.</summary>
    public static string ArgumentsJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Arguments is null && call.AdditionalProperties?.TryGetValue(RawArgumentsKey, out var raw) == true && raw is string text
            ? text
            : ArgumentsJson(call.Arguments);
    }

    /// <summary>
    /// A call whose arguments arrived as JSON text. Text that is not a JSON object still yields the call, with the text kept
    /// under <see cref="RawArgumentsKey"/> and the parse failure in <see cref="FunctionCallContent.Exception"/>, so the tool
    /// loop answers it with an error instead of failing the reply.
    /// </summary>
    public static FunctionCallContent ParseCall(string? callId, string? name, string arguments)
    {
        try
        {
            var parsed = string.IsNullOrWhiteSpace(arguments)
                ? new Dictionary<string, object?>()
                : JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments, AIJsonUtilities.DefaultOptions)
                  ?? throw new JsonException("The arguments are null.");
            return new FunctionCallContent(callId ?? "", name ?? "", parsed);
        }
        catch (JsonException ex)
        {
            return WithRawArguments(new FunctionCallContent(callId ?? "", name ?? "")
            {
                Exception = new InvalidDataException($"The arguments of tool call '{name}' are not a JSON object: {ex.Message}", ex),
            }, arguments);
        }
    }

    /// <summary>Keeps <paramref name="arguments"/> verbatim on a call whose arguments could not be parsed.</summary>
    public static FunctionCallContent WithRawArguments(FunctionCallContent call, string arguments)
    {
        ArgumentNullException.ThrowIfNull(call);
        (call.AdditionalProperties ??= [])[RawArgumentsKey] = arguments;
        return call;
    }

    private const string HiddenFailure = "the tool failed; the error was logged on the server.";

    /// <summary>A failed call: the exception is the marker, the text is what the model reads.</summary>
    public static FunctionResultContent Failed(string callId, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new FunctionResultContent(callId, ErrorText(exception)) { Exception = exception };
    }

    /// <summary>What the model and the user read for a failed call: a <see cref="ToolException"/>'s message, otherwise a sentence without details.</summary>
    public static string ErrorText(Exception exception) =>
        "Error: " + (exception is ToolException ? exception.Message : HiddenFailure);

    /// <summary>Whether <paramref name="result"/> reports a failed call.</summary>
    public static bool IsError(FunctionResultContent result) => result?.Exception is not null;

    /// <summary>A result as the model and the user read it: the error text of a failed call, otherwise <see cref="ResultText(object?)"/>.</summary>
    public static string ResultText(FunctionResultContent result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Exception is { } failure ? ErrorText(failure) : ResultText(result.Result);
    }

    /// <summary>A result as text: strings as they are, text contents joined, anything else as compact JSON.</summary>
    public static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        TextContent text => text.Text,
        IEnumerable<AIContent> contents when contents.All(c => c is TextContent) => string.Join("\n", contents.Cast<TextContent>().Select(t => t.Text)),
        var other => Serialize(other),
    };

    private static string Serialize(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), Compact);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value.ToString() ?? "";
        }
    }
}

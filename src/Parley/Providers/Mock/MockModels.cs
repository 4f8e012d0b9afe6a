namespace Parley.Providers;

/// <summary>The offline models of the <c>mock</c> provider.</summary>
public static class MockModels
{
    /// <summary>Repeats the last user message (and counts attached images).</summary>
    public const string Echo = "echo";

    /// <summary>Answers every message with a fixed markdown sample; handy for UI demos.</summary>
    public const string Markdown = "markdown";

    public static readonly IReadOnlyList<string> All = [Echo, Markdown];

    public static string Describe(string model) => model switch
    {
        Echo => "Echo",
        Markdown => "Markdown sample",
        _ => model,
    };
}

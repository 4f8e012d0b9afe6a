using Parley.Tools;

namespace Parley.Tests.Tools;

/// <summary>
/// What the model and the user read for one tool call: the tool's result, or for a <see cref="ToolException"/> the
/// error text <see cref="ToolContent.ErrorText"/> makes of it (the mapping the tool loop applies).
/// </summary>
internal static class ToolText
{
    public static string Of(Func<string> run)
    {
        try
        {
            return run();
        }
        catch (ToolException ex)
        {
            return ToolContent.ErrorText(ex);
        }
    }

    public static async Task<string> OfAsync(Func<Task<string>> run)
    {
        try
        {
            return await run();
        }
        catch (ToolException ex)
        {
            return ToolContent.ErrorText(ex);
        }
    }

    public static Task<string> ReadTextAsync(this WebPageReader reader, string url) => OfAsync(() => reader.ReadAsync(url));

    public static Task<string> SearchTextAsync(this WebSearchTool tool, string query) => OfAsync(() => tool.SearchAsync(query));

    public static string NowText(this CurrentTime tool, string? timezone = null) => Of(() => tool.Now(timezone));

    public static string Calculate(string expression) => Of(() => Calculator.Run(expression));
}

namespace Parley.Providers.Mock;

/// <summary>Fixed sample replies of the mock provider.</summary>
internal static class MockReplies
{
    public const string Markdown = """
        ## A markdown sample

        Parley renders **bold**, *italic*, `inline code` and [links](https://example.com).

        - first item
        - second item
          1. nested, numbered

        | model | offline | streams |
        |-------|---------|---------|
        | mock/echo | yes | yes |
        | openai/gpt-4o-mini | no | yes |

        ```python
        def greet(name: str) -> str:
            return f"Hello, {name}!"
        ```

        > That is all for now.
        """;

    public const string Html = """
        Here is some HTML that must stay inert:
        <script>window.__xss=1</script><img src=x onerror="window.__xss=2"> [click me](javascript:window.__xss=3)
        """;
}

using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class HtmlTextTests
{
    private static readonly Uri PageUri = new("https://example.org/docs/page.html");

    private static string Body(string html) => HtmlText.Extract(html, PageUri).Split("\n\n", 2)[1];

    [Fact]
    public void PrefersMainThenASingleArticleOverTheWholeBody()
    {
        Assert.Equal("Inside", Body("<body><div>Outside</div><main>Inside</main></body>"));
        Assert.Equal("Story", Body("<body><div>Chrome</div><article>Story</article></body>"));
        Assert.Equal("A\n\nB", Body("<body><article>A</article><article>B</article></body>"));
    }

    [Fact]
    public void DropsPageHeadersAndFootersButKeepsAnArticlesOwn()
    {
        var text = Body("<body><header>Site</header><article><header><h1>Story title</h1></header><p>Text</p><footer>By Ann</footer></article><footer>Copyright</footer></body>");

        Assert.Equal("# Story title\n\nText\n\nBy Ann", text);
    }

    [Fact]
    public void WritesNestedListsAndBlocksInsideItems()
    {
        var text = Body("<ul><li><p>One</p></li><li>Two<ol><li>Two.a</li></ol></li></ul>");

        Assert.Equal("- One\n- Two\n  - Two.a", text);
    }

    [Fact]
    public void ResolvesLinksAgainstBaseHrefAndDropsNonHttpLinks()
    {
        var text = Body("<head><base href=\"https://cdn.example.net/root/\"></head><body><p><a href=\"x/y\">rel</a> <a href=\"mailto:a@b\">mail</a> <a href=\"#top\">top</a> <a href=\"/q\"><img src=i.png></a></p></body>");

        Assert.Equal("[rel](https://cdn.example.net/root/x/y) mail [top](https://cdn.example.net/root/#top)", text);
    }

    [Fact]
    public void KeepsPreformattedTextAndDropsHiddenParts()
    {
        var text = Body("<p>Code:</p><pre>var x = 1;\n  x++;</pre><div hidden>secret</div><div aria-hidden=\"true\">icon</div><template>tpl</template>");

        Assert.Equal("Code:\n\n```\nvar x = 1;\n  x++;\n```", text);
    }

    [Fact]
    public void SurvivesDeepNestingAndEmptyPages()
    {
        var deep = string.Concat(Enumerable.Repeat("<span>", 5000)) + "deep" + string.Concat(Enumerable.Repeat("</span>", 5000));
        Assert.Contains("deep", HtmlText.Extract(deep, PageUri), StringComparison.Ordinal);
        Assert.Equal("URL: https://example.org/docs/page.html\n\n(The page has no readable text.)", HtmlText.Extract("<html><script>x()</script></html>", PageUri));
    }
}

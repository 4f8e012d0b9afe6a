using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Parley.Tools;

/// <summary>
/// Turns an HTML page into the readable main text a model can use: scripts, styles, navigation, page headers and
/// footers (not an article's own), asides, forms and hidden parts are dropped; the <c>main</c> (or single
/// <c>article</c>) element is preferred over the whole body; headings become <c>#</c> lines, list items <c>- </c>
/// lines, links <c>[text](absolute url)</c>.
/// </summary>
public static class HtmlText
{
    private const int MaxDepth = 256;

    private static readonly string[] Dropped =
    [
        "script", "style", "noscript", "template", "nav", "aside", "form", "svg", "canvas",
        "iframe", "object", "embed", "button", "select", "input", "textarea", "dialog", "[hidden]",
        "[aria-hidden='true']", "[role='navigation']", "[role='banner']", "[role='contentinfo']",
    ];

    public static string Extract(string html, Uri pageUri)
    {
        ArgumentNullException.ThrowIfNull(pageUri);
        var document = new HtmlParser().ParseDocument(html ?? "");
        var baseUri = pageUri;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(pageUri, baseHref, out var parsedBase))
            baseUri = parsedBase;

        var title = Collapse(document.Title ?? "");
        foreach (var element in document.QuerySelectorAll(string.Join(", ", Dropped)).ToList())
            element.Remove();
        // Page headers and footers are chrome; an article's own header holds its title.
        foreach (var element in document.QuerySelectorAll("header, footer").Where(e => e.ParentElement?.Closest("article, main") is null).ToList())
            element.Remove();

        var articles = document.QuerySelectorAll("article");
        var root = document.QuerySelector("main") ?? document.QuerySelector("[role='main']")
            ?? (articles.Length == 1 ? articles[0] : null) ?? document.Body ?? document.DocumentElement;

        var writer = new Writer(baseUri);
        if (root is not null)
            writer.Walk(root, 0);

        var text = writer.ToString();
        var head = new StringBuilder();
        if (title.Length > 0)
            head.Append("Title: ").Append(title).Append('\n');
        head.Append("URL: ").Append(pageUri).Append("\n\n");
        return head.Append(text.Length > 0 ? text : "(The page has no readable text.)").ToString();
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
                sb.Append(' ');
            sb.Append(c);
            space = false;
        }

        return sb.ToString();
    }

    private sealed class Writer(Uri baseUri)
    {
        private readonly StringBuilder _sb = new();
        private bool _pendingSpace;
        private bool _afterMarker;
        private int _listDepth;

        public override string ToString() => _sb.ToString().Trim();

        public void Walk(INode node, int depth)
        {
            switch (node)
            {
                case IText text:
                    Text(text.Data);
                    return;
                case IElement element:
                    Element(element, depth);
                    return;
            }
        }

        private void Children(INode node, int depth)
        {
            if (depth >= MaxDepth)
            {
                Text(node.TextContent);
                return;
            }

            foreach (var child in node.ChildNodes)
                Walk(child, depth + 1);
        }

        private void Element(IElement element, int depth)
        {
            switch (element.LocalName)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    Block();
                    Raw(new string('#', element.LocalName[1] - '0') + " ");
                    Text(element.TextContent);
                    Block();
                    return;
                case "ul" or "ol":
                    Block();
                    _listDepth++;
                    Children(element, depth);
                    _listDepth--;
                    Block();
                    return;
                case "li":
                    Line();
                    Raw(new string(' ', 2 * Math.Max(0, _listDepth - 1)) + "- ");
                    _afterMarker = true;
                    Children(element, depth);
                    _afterMarker = false;
                    Line();
                    return;
                case "a":
                    Link(element);
                    return;
                case "br":
                    Line();
                    return;
                case "hr":
                    Block();
                    return;
                case "pre":
                    Block();
                    Raw("```\n" + element.TextContent.Trim('\n') + "\n```");
                    Block();
                    return;
                case "img":
                    return;
                case "td" or "th":
                    Children(element, depth);
                    Raw(" | ");
                    return;
                case "tr" or "dt" or "dd" or "figcaption" or "caption":
                    Line();
                    Children(element, depth);
                    Line();
                    return;
                case "p" or "div" or "section" or "article" or "main" or "blockquote" or "table" or "dl" or "figure"
                    or "details" or "summary" or "address" or "body" or "html":
                    Block();
                    Children(element, depth);
                    Block();
                    return;
                default:
                    Children(element, depth);
                    return;
            }
        }

        private void Link(IElement anchor)
        {
            var label = Collapse(anchor.TextContent);
            var href = anchor.GetAttribute("href");
            if (label.Length == 0)
                return;
            if (href is null || !Uri.TryCreate(baseUri, href.Trim(), out var target)
                || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            {
                Text(label);
                return;
            }

            Raw($"[{label.Replace("]", "\\]", StringComparison.Ordinal)}]({target.AbsoluteUri})");
        }

        private void Text(string text)
        {
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    _pendingSpace = true;
                    continue;
                }

                FlushSpace();
                _sb.Append(c);
                _afterMarker = false;
            }
        }

        private void Raw(string text)
        {
            FlushSpace();
            _sb.Append(text);
            _afterMarker = false;
        }

        private void FlushSpace()
        {
            if (_pendingSpace && _sb.Length > 0 && _sb[^1] is not ('\n' or ' '))
                _sb.Append(' ');
            _pendingSpace = false;
        }

        private void Line()
        {
            // A block inside a list item ("<li><p>text</p></li>") stays on the item's line.
            if (_afterMarker)
                return;
            TrimTrailingSpaces();
            if (_sb.Length > 0 && _sb[^1] != '\n')
                _sb.Append('\n');
            _pendingSpace = false;
        }

        private void Block()
        {
            if (_afterMarker)
                return;
            Line();
            if (_listDepth > 0)
                return; // paragraphs and nested lists inside a list stay tight
            if (_sb.Length > 0 && !(_sb.Length >= 2 && _sb[^2] == '\n'))
                _sb.Append('\n');
        }

        private void TrimTrailingSpaces()
        {
            while (_sb.Length > 0 && _sb[^1] == ' ')
                _sb.Length--;
        }
    }
}

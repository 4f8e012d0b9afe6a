using System.Text;
using Parley.Errors;

namespace Parley.Documents;

/// <summary>
/// Decides what an uploaded file is from its name AND its bytes: the extension says which family is
/// claimed, the first bytes must agree (a PDF or zip named <c>.txt</c>, or a binary named <c>.md</c>, is refused).
/// </summary>
public static class DocumentTypes
{
    public const string DocxMediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly Dictionary<string, (DocumentKind Kind, string MediaType)> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = (DocumentKind.Text, "text/plain"),
        [".text"] = (DocumentKind.Text, "text/plain"),
        [".log"] = (DocumentKind.Text, "text/plain"),
        [".md"] = (DocumentKind.Markdown, "text/markdown"),
        [".markdown"] = (DocumentKind.Markdown, "text/markdown"),
        [".html"] = (DocumentKind.Html, "text/html"),
        [".htm"] = (DocumentKind.Html, "text/html"),
        [".csv"] = (DocumentKind.Csv, "text/csv"),
        [".tsv"] = (DocumentKind.Csv, "text/tab-separated-values"),
        [".docx"] = (DocumentKind.Docx, DocxMediaType),
        [".pdf"] = (DocumentKind.Pdf, "application/pdf"),
    };

    private static readonly HashSet<string> SourceExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".fs", ".vb", ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts", ".scala", ".go", ".rs",
        ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".swift", ".rb", ".php", ".pl", ".lua", ".r", ".sh", ".bash", ".ps1", ".sql",
        ".json", ".yaml", ".yml", ".toml", ".ini", ".xml", ".css", ".scss", ".vue", ".svelte", ".dart", ".ex", ".exs", ".hs",
        ".clj", ".proto", ".graphql", ".csproj", ".props", ".gradle", ".dockerfile", ".tf",
    };

    /// <summary>The extensions accepted, for error messages and the web app's file picker.</summary>
    public static IEnumerable<string> Extensions => ByExtension.Keys.Concat(SourceExtensions).Order(StringComparer.Ordinal);

    public static (DocumentKind Kind, string MediaType) Detect(string name, ReadOnlySpan<byte> data)
    {
        var extension = Path.GetExtension(name);
        (DocumentKind Kind, string MediaType) claimed;
        if (ByExtension.TryGetValue(extension, out var known))
            claimed = known;
        else if (SourceExtensions.Contains(extension) || name.Equals("Dockerfile", StringComparison.OrdinalIgnoreCase) || name.Equals("Makefile", StringComparison.OrdinalIgnoreCase))
            claimed = (DocumentKind.SourceCode, "text/plain");
        else
            throw new ParleyException(ErrorCodes.UnsupportedDocument, 415,
                $"'{name}' is not a supported document type. Upload text, Markdown, HTML, CSV, source code, DOCX or PDF "
                + "(extensions: " + string.Join(' ', Extensions) + ").");

        var actual = Sniff(data);
        var matches = claimed.Kind switch
        {
            DocumentKind.Pdf => actual == "PDF",
            DocumentKind.Docx => actual == "zip",
            _ => actual == "text",
        };
        if (!matches)
            throw new ParleyException(ErrorCodes.DocumentTypeMismatch, 415,
                $"'{name}' is named like {Describe(claimed.Kind)} but its content is {Article(actual)}. Rename it to match what it is, or upload the right file.");
        return claimed;
    }

    /// <summary>What the bytes are: <c>PDF</c>, <c>zip</c>, an image, <c>text</c> (UTF-8 without control bytes) or <c>binary data</c>.</summary>
    public static string Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("%PDF-"u8))
            return "PDF";
        if (data.StartsWith("PK\x03\x04"u8))
            return "zip";
        if (Parley.Conversations.ImageInput.Sniff(data) is { } image)
            return image + " image";
        return LooksLikeText(data) ? "text" : "binary data";
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("\xEF\xBB\xBF"u8))
            data = data[3..];
        var controls = 0;
        foreach (var b in data)
        {
            if (b == 0)
                return false;
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t' or 0x0C))
                controls++;
        }
        if (controls > data.Length / 100 + 1)
            return false;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Describe(DocumentKind kind) => kind switch
    {
        DocumentKind.Pdf => "a PDF",
        DocumentKind.Docx => "a Word document (DOCX)",
        DocumentKind.Html => "an HTML file",
        DocumentKind.Csv => "a CSV file",
        DocumentKind.Markdown => "a Markdown file",
        DocumentKind.SourceCode => "a source file",
        _ => "a text file",
    };

    private static string Article(string actual) => actual switch
    {
        "text" => "plain text",
        "binary data" => "binary data (not UTF-8 text)",
        "PDF" => "a PDF",
        "zip" => "a zip archive",
        _ => "a " + actual,
    };
}

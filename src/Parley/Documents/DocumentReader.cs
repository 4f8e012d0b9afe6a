using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;
using Parley.Errors;

namespace Parley.Documents;

/// <summary>Checks a file against the limits, finds out what it really is and extracts the text a model reads.</summary>
public sealed class DocumentReader(IOptions<DocumentOptions> options) : IDisposable
{
    /// <summary>Caps the child processes and unpacked archives in flight, so many uploads at once cannot exhaust the machine.</summary>
    private readonly SemaphoreSlim _extractions = new(options.Value.MaxConcurrentExtractions);

    public DocumentOptions Options => options.Value;

    public void Dispose() => _extractions.Dispose();

    public async Task<ExtractedDocument> ReadAsync(string? fileName, byte[] data, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!limits.Enabled)
            throw new ParleyException(ErrorCodes.UnsupportedDocument, 403, "Document uploads are turned off on this server (Parley:Documents:Enabled).");
        var name = CleanName(fileName);
        if (data.Length == 0)
            throw new ParleyException(ErrorCodes.UnreadableDocument, 400, $"'{name}' is empty.");
        if (data.Length > limits.MaxBytes)
            throw TooLarge(name, data.Length, limits.MaxBytes);

        var (kind, mediaType) = DocumentTypes.Detect(name, data);
        var (text, truncated) = kind switch
        {
            DocumentKind.Pdf or DocumentKind.Docx => await ExtractAsync(kind, name, data, limits, cancellationToken),
            DocumentKind.Html => Cap(HtmlText(Decode(data)), limits.MaxExtractedChars),
            _ => Cap(Decode(data), limits.MaxExtractedChars),
        };
        if (string.IsNullOrWhiteSpace(text))
            throw new ParleyException(ErrorCodes.UnreadableDocument, 422,
                $"'{name}' has no text to read" + (kind == DocumentKind.Pdf ? " (a scanned PDF needs OCR, which Parley does not do)." : "."));
        return new ExtractedDocument(name, kind, mediaType, data, text, truncated);
    }

    private async Task<(string Text, bool Truncated)> ExtractAsync(DocumentKind kind, string name, byte[] data, DocumentOptions limits, CancellationToken cancellationToken)
    {
        await _extractions.WaitAsync(cancellationToken);
        try
        {
            return kind == DocumentKind.Pdf
                ? await PdfText.ExtractAsync(name, data, limits, cancellationToken)
                : DocxText.Extract(name, data, limits);
        }
        finally
        {
            _extractions.Release();
        }
    }

    public static ParleyException TooLarge(string name, long size, long limit) =>
        new(ErrorCodes.DocumentTooLarge, 413, $"'{name}' is {size / 1024.0 / 1024.0:0.##} MB; the limit is {limit / 1024.0 / 1024.0:0.##} MB.");

    /// <summary>The file name without any folder, control characters or excess length; "document" when there is none.</summary>
    public static string CleanName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c) && c is not ('"' or '/'))]).Trim();
        if (name.Length > 200)
            name = name[..190] + Path.GetExtension(name)[..Math.Min(10, Path.GetExtension(name).Length)];
        return name.Length == 0 ? "document.txt" : name;
    }

    private static string Decode(byte[] data) => new UTF8Encoding(false).GetString(data).TrimStart('\uFEFF');

    private static string HtmlText(string html)
    {
        using var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll("script, style, noscript, template").ToList())
            element.Remove();
        var title = document.Title;
        var body = document.Body?.TextContent ?? document.DocumentElement.TextContent;
        var lines = body.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        var text = string.Join('\n', lines);
        return string.IsNullOrWhiteSpace(title) || text.StartsWith(title, StringComparison.Ordinal) ? text : title + "\n" + text;
    }

    private static (string, bool) Cap(string text, int max) => text.Length > max ? (text[..max], true) : (text, false);
}

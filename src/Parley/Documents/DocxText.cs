using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Parley.Errors;

namespace Parley.Documents;

/// <summary>
/// The text of a Word document, read with DocumentFormat.OpenXml. Before OpenXml unpacks anything the zip's
/// directory is checked (entry count, total uncompressed size, compression ratio of each part), so a zip bomb or
/// a huge document is refused without being inflated.
/// </summary>
public static class DocxText
{
    private const int MaxEntries = 10_000;

    public static (string Text, bool Truncated) Extract(string name, byte[] data, DocumentOptions options)
    {
        CheckArchive(name, data, options);
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw Unreadable(name, "it has no document body");
            var text = new StringBuilder();
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                if (text.Length > options.MaxExtractedChars)
                    break;
                text.AppendLine(ParagraphText(paragraph));
            }
            var truncated = text.Length > options.MaxExtractedChars;
            return (truncated ? text.ToString(0, options.MaxExtractedChars) : text.ToString().TrimEnd(), truncated);
        }
        catch (Exception ex) when (ex is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidDataException
            or System.Xml.XmlException or IOException or InvalidOperationException)
        {
            throw Unreadable(name, "it is not a valid Word document");
        }
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
            }
        }
        return text.ToString();
    }

    private static void CheckArchive(string name, byte[] data, DocumentOptions options)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxEntries)
                throw Refused(name, $"it holds {zip.Entries.Count:N0} parts");
            long total = 0;
            var hasDocument = false;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > options.MaxDocxUncompressedBytes)
                    throw Refused(name, $"it unpacks to more than {Size(options.MaxDocxUncompressedBytes)}, the limit for Word documents");
                if (entry.Length > 1024 * 1024 && entry.Length / Math.Max(1, entry.CompressedLength) > options.MaxDocxCompressionRatio)
                    throw Refused(name, $"its part '{entry.FullName}' is compressed {entry.Length / Math.Max(1, entry.CompressedLength):N0}:1 (a zip bomb)");
                hasDocument |= entry.FullName == "word/document.xml";
            }
            if (!hasDocument)
                throw Unreadable(name, "it is a zip archive but not a Word document (no word/document.xml)");
        }
        catch (InvalidDataException)
        {
            throw Unreadable(name, "it is not a valid zip archive");
        }
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.#} MB" : $"{bytes / 1024.0:0.#} KB";

    private static ParleyException Refused(string name, string reason) =>
        new(ErrorCodes.DocumentTooLarge, 413, $"'{name}' was refused: {reason}.");

    private static ParleyException Unreadable(string name, string reason) =>
        new(ErrorCodes.UnreadableDocument, 422, $"'{name}' cannot be read: {reason}.");
}

using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using System.Xml;
using Parley.Errors;

namespace Parley.Documents;

/// <summary>
/// The text of a Word document, read with DocumentFormat.OpenXml. Before OpenXml unpacks anything the zip's
/// directory is checked (entry count, total uncompressed size, compression ratio of each part), so a zip bomb or
/// a huge document is refused without being inflated. The document part itself is read as a stream, never as a DOM.
/// </summary>
public static class DocxText
{
    private const int MaxEntries = 10_000;

    /// <summary>Deeper than any real document (tables in tables in text boxes stay far below it).</summary>
    public const int MaxDepth = 256;

    private const string WordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    public static (string Text, bool Truncated) Extract(string name, byte[] data, DocumentOptions options)
    {
        CheckArchive(name, data, options);
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            var part = document.MainDocumentPart ?? throw Unreadable(name, "it has no document body");
            using var xml = part.GetStream(FileMode.Open, FileAccess.Read);
            return ReadText(name, xml, options.MaxExtractedChars);
        }
        catch (Exception ex) when (ex is DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidDataException
            or System.Xml.XmlException or IOException or InvalidOperationException)
        {
            throw Unreadable(name, "it is not a valid Word document");
        }
    }

    /// <summary>
    /// Walks the document part with a forward-only <see cref="XmlReader"/>: OpenXml's DOM builds elements recursively, so a
    /// few KB of nested runs overflow the stack and end the process, which no catch can stop. The reader keeps no tree,
    /// and the depth cap bounds its work.
    /// </summary>
    private static (string Text, bool Truncated) ReadText(string name, Stream xml, int maxChars)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        using var reader = XmlReader.Create(xml, settings);
        var text = new StringBuilder();
        var inBody = false;
        var inText = false;
        while (reader.Read())
        {
            if (reader.Depth > MaxDepth)
                throw Unreadable(name, $"its XML is nested more than {MaxDepth} levels deep");
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when inText:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.Element when reader.NamespaceURI == WordNamespace:
                    switch (reader.LocalName)
                    {
                        case "body":
                            inBody = true;
                            break;
                        case "t" when inBody:
                            inText = !reader.IsEmptyElement;
                            break;
                        case "tab" when inBody:
                            text.Append('\t');
                            break;
                        case "br" or "cr" when inBody:
                            text.Append('\n');
                            break;
                    }
                    break;
                case XmlNodeType.EndElement when reader.NamespaceURI == WordNamespace:
                    if (reader.LocalName == "t")
                        inText = false;
                    else if (reader.LocalName == "p" && inBody)
                        text.AppendLine();
                    break;
            }
            if (text.Length > maxChars)
                return (text.ToString(0, maxChars), true);
        }
        return (text.ToString().TrimEnd(), false);
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

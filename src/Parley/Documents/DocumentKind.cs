namespace Parley.Documents;

/// <summary>The document families Parley reads, each with the media type it is stored and served with.</summary>
public enum DocumentKind
{
    Text,
    Markdown,
    Html,
    Csv,
    SourceCode,
    Docx,
    Pdf,
}

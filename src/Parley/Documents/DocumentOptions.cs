using System.ComponentModel.DataAnnotations;

namespace Parley.Documents;

/// <summary>
/// Section <c>Parley:Documents</c>: documents uploaded into a conversation (text, Markdown, HTML, source code, CSV,
/// DOCX, PDF) and sent as <c>file</c> parts to <c>/v1/chat/completions</c>.
/// </summary>
public sealed class DocumentOptions
{
    public const string Section = "Parley:Documents";

    /// <summary>True accepts documents; false refuses every upload and <c>file</c> part.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Largest file accepted, in bytes.</summary>
    [Range(1, 1L << 32)]
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most characters of text kept from one document; the rest is cut off (and said so).</summary>
    [Range(1, 100_000_000)]
    public int MaxExtractedChars { get; set; } = 1_000_000;

    /// <summary>Most documents attached to one message.</summary>
    [Range(1, 100)]
    public int MaxPerMessage { get; set; } = 5;

    /// <summary>Tokens of document text one message may add to the model's context; longer documents contribute only their most relevant chunks (BM25).</summary>
    [Range(100, 10_000_000)]
    public int ContextTokens { get; set; } = 6000;

    /// <summary>Tokens per chunk when a long document is split for ranking.</summary>
    [Range(20, 100_000)]
    public int ChunkTokens { get; set; } = 300;

    /// <summary>The poppler-utils <c>pdftotext</c> program (a name on PATH or a full path); PDFs are refused when it is missing.</summary>
    public string PdfToTextPath { get; set; } = "pdftotext";

    /// <summary>Seconds <c>pdftotext</c> may run before it is stopped.</summary>
    [Range(1, 600)]
    public int PdfTimeoutSeconds { get; set; } = 30;

    /// <summary>Documents read (a <c>pdftotext</c> run or a DOCX unpacked) at once on this server; further ones wait their turn.</summary>
    [Range(1, 256)]
    public int MaxConcurrentExtractions { get; set; } = 4;

    /// <summary>Largest total uncompressed size of a DOCX's parts, in bytes (zip-bomb protection).</summary>
    [Range(1, 1L << 34)]
    public long MaxDocxUncompressedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest uncompressed/compressed ratio of any DOCX part (zip-bomb protection).</summary>
    [Range(2, 100_000)]
    public int MaxDocxCompressionRatio { get; set; } = 100;
}

namespace Parley.Documents;

/// <summary>A read document: its cleaned name, what it is, its bytes and the text a model gets; <see cref="Truncated"/> when the text was cut.</summary>
public sealed record ExtractedDocument(string Name, DocumentKind Kind, string MediaType, byte[] Data, string Text, bool Truncated);

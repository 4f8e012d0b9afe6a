using Microsoft.Extensions.AI;
using Parley.Conversations;

namespace Parley.Documents;

/// <summary>A document sent inline (OpenAI's <c>file</c> content part), not yet read.</summary>
public sealed class PendingFileContent(string fileName, byte[] data) : AIContent
{
    public string FileName { get; } = fileName;

    public byte[] Data { get; } = data;
}

/// <summary>
/// Turns inline documents of a stateless request (<c>/v1/chat/completions</c>) into text the model reads: each is read
/// like an upload (same type checks and limits) and put before the message's own text, within the context budget.
/// </summary>
public sealed class FileParts(DocumentReader reader)
{
    public async Task<IReadOnlyList<DocumentSource>> ExpandAsync(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var sources = new List<DocumentSource>();
        var number = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var files = messages[i].Contents.OfType<PendingFileContent>().ToList();
            if (files.Count == 0)
                continue;
            if (files.Count > reader.Options.MaxPerMessage)
                throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400,
                    $"messages[{i}] has {files.Count} files; at most {reader.Options.MaxPerMessage} documents can be attached to one message.");
            var attachments = new List<AttachmentPart>();
            foreach (var file in files)
            {
                var document = await reader.ReadAsync(file.FileName, file.Data, cancellationToken);
                attachments.Add(new AttachmentPart($"file-{++number}", document.Name, document.MediaType, document.Data.Length, document.Text, document.Truncated));
            }
            var rest = messages[i].Contents.Where(c => c is not PendingFileContent).ToList();
            var question = string.Concat(rest.OfType<TextContent>().Select(t => t.Text));
            var context = new DocumentContext(reader.Options, question);
            messages[i] = new ChatMessage(messages[i].Role, [new TextContent(context.Render(attachments)), .. rest]);
            sources.AddRange(context.Sources);
        }
        return sources;
    }
}

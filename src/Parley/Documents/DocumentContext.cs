using System.Globalization;
using System.Text;
using Parley.Conversations;

namespace Parley.Documents;

/// <summary>
/// Puts a message's attachments into the model's context as text, each under its name, within
/// <see cref="DocumentOptions.ContextTokens"/>: whole when they fit, otherwise only the chunks BM25 ranks
/// highest for <paramref name="question"/> (in document order; the beginning when no chunk matches). <see cref="Sources"/> records what was used.
/// </summary>
public sealed class DocumentContext(DocumentOptions options, string question)
{
    private readonly List<DocumentSource> _sources = [];

    public IReadOnlyList<DocumentSource> Sources => _sources;

    public string Render(IReadOnlyList<AttachmentPart> attachments)
    {
        var text = new StringBuilder();
        var budgetChars = (long)options.ContextTokens * 4;
        if (attachments.Sum(a => (long)a.Text.Length) <= budgetChars)
        {
            foreach (var attachment in attachments)
            {
                AppendHeader(text, attachment, null);
                text.Append(attachment.Text).Append('\n');
                AppendFooter(text, attachment);
                _sources.Add(new DocumentSource(attachment.AttachmentId, attachment.Name, true, 1, [1]));
            }
            return text.ToString().TrimEnd();
        }

        var chunkChars = options.ChunkTokens * 4;
        var chunked = attachments.Select(a => Chunker.Split(a.Text, chunkChars)).ToList();
        var all = chunked.SelectMany((chunks, d) => chunks.Select((chunk, c) => (Document: d, Chunk: c, Text: chunk))).ToList();
        var scores = Bm25.Score(question, [.. all.Select(c => c.Text)]);
        var chosen = new HashSet<(int, int)>();
        var remaining = budgetChars;
        // Only chunks that share terms with the question; when none does, the document's beginning.
        var ranked = Enumerable.Range(0, all.Count).Where(i => scores[i] > 0).OrderByDescending(i => scores[i]).ThenBy(i => i).ToList();
        if (ranked.Count == 0)
            ranked = [.. Enumerable.Range(0, all.Count)];
        foreach (var index in ranked)
        {
            var cost = all[index].Text.Length + 40;
            if (cost > remaining)
                continue;
            chosen.Add((all[index].Document, all[index].Chunk));
            remaining -= cost;
        }

        for (var d = 0; d < attachments.Count; d++)
        {
            var used = Enumerable.Range(0, chunked[d].Count).Where(c => chosen.Contains((d, c))).ToList();
            _sources.Add(new DocumentSource(attachments[d].AttachmentId, attachments[d].Name, false, chunked[d].Count, [.. used.Select(c => c + 1)]));
            AppendHeader(text, attachments[d], (used, chunked[d].Count));
            foreach (var c in used)
                text.Append(CultureInfo.InvariantCulture, $"[Excerpt {c + 1} of {chunked[d].Count}]\n").Append(chunked[d][c]).Append('\n');
            AppendFooter(text, attachments[d]);
        }
        return text.ToString().TrimEnd();
    }

    private static void AppendHeader(StringBuilder text, AttachmentPart attachment, (List<int> Used, int Count)? excerpts)
    {
        text.Append(CultureInfo.InvariantCulture, $"[Attachment: {attachment.Name} ({attachment.MediaType}, {attachment.Size:N0} bytes)");
        if (excerpts is { } e)
            text.Append(CultureInfo.InvariantCulture, $" — too long to include whole: {e.Used.Count} of its {e.Count} excerpts, chosen for the question");
        else if (attachment.Truncated)
            text.Append(" — its text was cut at the server's length limit");
        text.Append("]\n");
    }

    private static void AppendFooter(StringBuilder text, AttachmentPart attachment) =>
        text.Append(CultureInfo.InvariantCulture, $"[End of attachment: {attachment.Name}]\n\n");
}

using Parley.Conversations;
using Parley.Documents;

namespace Parley.Tests.Documents;

public sealed class Bm25Tests
{
    [Fact]
    public void The_chunk_with_the_rare_question_terms_ranks_first()
    {
        string[] chunks =
        [
            "The cat sat on the mat. The cat is happy.",
            "Invoices are due within thirty days of delivery.",
            "A cat and a dog play; the dog chases the cat.",
            "Late invoices incur a penalty of two percent per month.",
        ];

        var scores = Bm25.Score("What is the penalty for late invoices?", chunks);

        Assert.Equal(3, Array.IndexOf(scores, scores.Max()));
        Assert.True(scores[1] > 0);
        Assert.Equal(0, scores[0]);
        Assert.Equal(0, scores[2]);
    }

    [Fact]
    public void Shorter_chunks_win_at_equal_term_frequency_and_stop_words_do_not_count()
    {
        string[] chunks = ["zebra", "zebra plus many other unrelated words that make this chunk long", "the the the what is"];
        var scores = Bm25.Score("what is the zebra", chunks);
        Assert.True(scores[0] > scores[1]);
        Assert.Equal(0, scores[2]);
    }

    [Fact]
    public void A_question_without_terms_scores_nothing()
    {
        Assert.All(Bm25.Score("what is it?", ["anything", "else"]), s => Assert.Equal(0, s));
    }

    [Fact]
    public void Documents_that_fit_are_included_whole()
    {
        var context = new DocumentContext(new DocumentOptions { ContextTokens = 1000 }, "anything");
        var text = context.Render([new AttachmentPart("a_1", "a.txt", "text/plain", 11, "hello world")]);
        Assert.Contains("[Attachment: a.txt (text/plain, 11 bytes)]\nhello world", text, StringComparison.Ordinal);
        Assert.True(context.Sources.Single().Whole);
    }

    [Fact]
    public void Long_documents_keep_the_best_chunks_in_document_order_within_the_budget()
    {
        var paragraphs = Enumerable.Range(1, 40).Select(i => i is 7 or 31 ? $"Paragraph {i} mentions the walrus migration." : $"Paragraph {i} is about nothing in particular at all.");
        var document = string.Join("\n\n", paragraphs);
        var options = new DocumentOptions { ContextTokens = 100, ChunkTokens = 20 };
        var context = new DocumentContext(options, "walrus migration");

        var text = context.Render([new AttachmentPart("a_1", "long.txt", "text/plain", document.Length, document)]);

        var source = context.Sources.Single();
        Assert.False(source.Whole);
        Assert.True(text.Length <= options.ContextTokens * 4 + 300, $"{text.Length} chars");
        Assert.Contains("Paragraph 7 mentions the walrus", text, StringComparison.Ordinal);
        Assert.Contains("Paragraph 31 mentions the walrus", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("Paragraph 7 ", StringComparison.Ordinal) < text.IndexOf("Paragraph 31 ", StringComparison.Ordinal));
        Assert.Equal(source.Chunks.Order(), source.Chunks);
        Assert.True(source.Chunks.Count < source.ChunkCount);
    }

    [Fact]
    public void Chunks_respect_the_size_and_keep_every_word()
    {
        var text = string.Join(' ', Enumerable.Range(0, 500).Select(i => $"w{i}"));
        var chunks = Chunker.Split(text, 100);
        Assert.All(chunks, c => Assert.True(c.Length <= 100, c));
        Assert.Equal(text.Split(' '), string.Join(' ', chunks).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void When_no_chunk_matches_the_beginning_of_the_document_is_used()
    {
        var document = string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"Paragraph {i} is about nothing in particular at all."));
        var context = new DocumentContext(new DocumentOptions { ContextTokens = 100, ChunkTokens = 20 }, "summarise please");

        var text = context.Render([new AttachmentPart("a_1", "long.txt", "text/plain", document.Length, document)]);

        Assert.Contains("Paragraph 1 is", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Paragraph 40 is", text, StringComparison.Ordinal);
        Assert.Equal(1, context.Sources.Single().Chunks[0]);
    }
}

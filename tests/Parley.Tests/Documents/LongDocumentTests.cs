using System.Net;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Documents;

/// <summary>Long documents give the model only their relevant chunks; PDFs without pdftotext get their own error.</summary>
public sealed class LongDocumentTests
{
    [Fact]
    public async Task A_long_document_contributes_only_the_chunks_that_match_the_question_and_the_reply_says_which()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Documents:ContextTokens"] = "300",
            ["Parley:Documents:ChunkTokens"] = "60",
        });
        var text = new StringBuilder();
        for (var i = 1; i <= 60; i++)
        {
            text.Append(i == 37
                ? "Section 37. The lighthouse keeper feeds the albatross sardines every Tuesday."
                : $"Section {i}. Filler paragraph number {i} talks about tax forms, spreadsheets and quarterly budgets in detail.");
            text.Append("\n\n");
        }
        var id = await server.CreateConversationAsync();
        using var upload = await Uploads.PostAsync(server.Client, id, "manual.md", Encoding.UTF8.GetBytes(text.ToString()));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var attachmentId = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        var stream = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages",
            new { content = "What does the albatross eat?", attachments = new[] { attachmentId } });

        Assert.Contains("albatross sardines", stream.Text, StringComparison.Ordinal);
        Assert.Contains("too long to include whole", stream.Text, StringComparison.Ordinal);
        Assert.True(stream.Text.Length < 300 * 4 + 600, $"{stream.Text.Length} characters reached the model");
        Assert.DoesNotContain("Filler paragraph number 1 ", stream.Text, StringComparison.Ordinal);

        var source = stream.OfType("assistant_end").Single().GetProperty("message").GetProperty("content").EnumerateArray()
            .Single(p => p.GetProperty("type").GetString() == "sources").GetProperty("sources")[0];
        Assert.False(source.GetProperty("whole").GetBoolean());
        var chunkCount = source.GetProperty("chunkCount").GetInt32();
        var chunks = source.GetProperty("chunks").EnumerateArray().Select(c => c.GetInt32()).ToList();
        Assert.True(chunkCount > 10, $"{chunkCount} chunks");
        Assert.InRange(chunks.Count, 1, chunkCount - 1);
        foreach (var chunk in chunks)
            Assert.Contains($"[Excerpt {chunk} of {chunkCount}]", stream.Text, StringComparison.Ordinal);

        // The stored reply keeps the same statement.
        using var stored = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/conversations/{id}"));
        var reply = stored.RootElement.GetProperty("messages")[1].GetProperty("content").EnumerateArray()
            .Single(p => p.GetProperty("type").GetString() == "sources");
        Assert.Equal(chunks, reply.GetProperty("sources")[0].GetProperty("chunks").EnumerateArray().Select(c => c.GetInt32()));
    }

    [Fact]
    public async Task A_pdf_without_pdftotext_is_refused_with_its_own_code()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Documents:PdfToTextPath"] = Path.Combine(Path.GetTempPath(), "parley-missing", "pdftotext"),
        });
        var id = await server.CreateConversationAsync();

        using var response = await Uploads.PostAsync(server.Client, id, "paper.pdf", TestDocuments.Pdf("hello"));

        await Uploads.AssertProblemAsync(response, HttpStatusCode.NotImplemented, "pdf_extraction_unavailable", "PDF text extraction is not installed");
        using var text = await Uploads.PostAsync(server.Client, id, "notes.txt", Encoding.UTF8.GetBytes("text still works"));
        Assert.Equal(HttpStatusCode.Created, text.StatusCode);
    }

    [Fact]
    public async Task A_broken_pdf_is_refused_as_unreadable()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var id = await server.CreateConversationAsync();
        using var response = await Uploads.PostAsync(server.Client, id, "broken.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\nthis is not a pdf at all\n"));
        await Uploads.AssertProblemAsync(response, (HttpStatusCode)422, "unreadable_document", "broken.pdf");
    }

    [Fact]
    public async Task A_huge_document_keeps_only_the_configured_amount_of_text_and_says_so()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Documents:MaxExtractedChars"] = "1000" });
        var id = await server.CreateConversationAsync();
        var paragraphs = Enumerable.Range(1, 200).Select(i => $"Paragraph {i} of a long report.").ToArray();

        using var response = await Uploads.PostAsync(server.Client, id, "long.docx", TestDocuments.Docx(paragraphs));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var attachment = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(attachment.GetProperty("truncated").GetBoolean());
        Assert.Equal(1000, attachment.GetProperty("chars").GetInt32());
        var stream = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages",
            new { content = "Summarise", attachments = new[] { attachment.GetProperty("id").GetString() } });
        Assert.Contains("its text was cut at the server's length limit", stream.Text, StringComparison.Ordinal);
        Assert.Contains("Paragraph 1 of a long report.", stream.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Paragraph 200 ", stream.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docx_that_unpacks_beyond_the_limit_is_refused()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Documents:MaxDocxUncompressedBytes"] = "4096" });
        var id = await server.CreateConversationAsync();
        var paragraphs = Enumerable.Range(1, 100).Select(i => $"Paragraph {i} {Guid.NewGuid()}").ToArray();

        using var response = await Uploads.PostAsync(server.Client, id, "big.docx", TestDocuments.Docx(paragraphs));

        await Uploads.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large", "unpacks to more than 4 KB");
    }

    [Fact]
    public async Task A_pdftotext_run_that_takes_too_long_is_stopped()
    {
        var directory = Directory.CreateTempSubdirectory("parley-slow-pdf-");
        try
        {
            var script = Path.Combine(directory.FullName, "slow-pdftotext");
            await File.WriteAllTextAsync(script, "#!/bin/sh\nsleep 20\n");
            Assert.False(OperatingSystem.IsWindows(), "this test runs a shell script");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["Parley:Documents:PdfToTextPath"] = script,
                ["Parley:Documents:PdfTimeoutSeconds"] = "1",
            });
            var id = await server.CreateConversationAsync();
            var started = System.Diagnostics.Stopwatch.StartNew();

            using var response = await Uploads.PostAsync(server.Client, id, "slow.pdf", TestDocuments.Pdf("hello"));

            await Uploads.AssertProblemAsync(response, (HttpStatusCode)422, "unreadable_document", "took longer than 1 s");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Documents;
using Parley.Storage;
using Parley.Tests.Support;

namespace Parley.Tests.Documents;

public sealed class DocumentUploadTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Parley:Documents:MaxBytes"] = "2000000",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, string> EachType => new()
    {
        { "notes.txt", "text/plain", "plain" },
        { "readme.md", "text/markdown", "markdown" },
        { "page.html", "text/html", "html" },
        { "program.cs", "text/plain", "source" },
        { "table.csv", "text/csv", "csv" },
        { "report.docx", DocumentTypes.DocxMediaType, "docx" },
        { "paper.pdf", "application/pdf", "pdf" },
    };

    [Theory]
    [MemberData(nameof(EachType))]
    public async Task Each_type_uploads_reaches_the_model_and_downloads_unchanged(string name, string mediaType, string kind)
    {
        var marker = $"Marker{kind}Zanzibar";
        var bytes = kind switch
        {
            "plain" => Encoding.UTF8.GetBytes($"The secret word is {marker}.\n"),
            "markdown" => Encoding.UTF8.GetBytes($"# Title\n\nThe secret word is **{marker}**.\n"),
            "html" => Encoding.UTF8.GetBytes($"<html><head><style>body{{color:red}}</style><script>var hidden='ScriptOnly';</script></head><body><p>The secret word is {marker}.</p></body></html>"),
            "source" => Encoding.UTF8.GetBytes($"class C {{ const string Word = \"{marker}\"; }}\n"),
            "csv" => Encoding.UTF8.GetBytes($"key,value\nsecret,{marker}\n"),
            "docx" => TestDocuments.Docx("First paragraph.", $"The secret word is {marker}."),
            _ => TestDocuments.Pdf("First line.", $"The secret word is {marker}."),
        };
        var id = await _server.CreateConversationAsync();

        using var upload = await UploadAsync(id, name, bytes);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var attachment = await upload.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, attachment.GetProperty("name").GetString());
        Assert.Equal(mediaType, attachment.GetProperty("mediaType").GetString());
        Assert.Equal(bytes.Length, attachment.GetProperty("size").GetInt64());
        var attachmentId = attachment.GetProperty("id").GetString()!;

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages",
            new { content = "What is the secret word?", attachments = new[] { attachmentId } });
        Assert.Contains(marker, stream.Text, StringComparison.Ordinal);
        Assert.Contains($"[Attachment: {name}", stream.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ScriptOnly", stream.Text, StringComparison.Ordinal);
        var end = stream.OfType("assistant_end").Single().GetProperty("message");
        var sources = end.GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "sources").GetProperty("sources");
        Assert.Equal(attachmentId, sources[0].GetProperty("attachmentId").GetString());
        Assert.True(sources[0].GetProperty("whole").GetBoolean());

        var conversation = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var userParts = conversation.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        var part = userParts.Single(p => p.GetProperty("type").GetString() == "attachment");
        Assert.Equal(name, part.GetProperty("name").GetString());
        var url = part.GetProperty("url").GetString()!;
        Assert.Equal($"/api/conversations/{id}/attachments/{attachmentId}", url);

        using var download = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(mediaType, download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(name, download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());

        using var asImage = await Client.GetAsync($"/api/conversations/{id}/images/{attachmentId}");
        Assert.Equal(HttpStatusCode.NotFound, asImage.StatusCode);
    }

    [Theory]
    [InlineData("fake.txt", "pdf")]
    [InlineData("fake.txt", "zip")]
    [InlineData("fake.md", "binary")]
    [InlineData("fake.pdf", "text")]
    [InlineData("fake.docx", "text")]
    [InlineData("photo.md", "png")]
    public async Task A_lying_extension_is_refused(string name, string content)
    {
        var bytes = content switch
        {
            "pdf" => TestDocuments.Pdf("hello"),
            "zip" => TestDocuments.Docx("hello"),
            "binary" => [0x7F, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 3, 0, 0, 0xFF, 0xFE],
            "png" => TestImages.Png,
            _ => Encoding.UTF8.GetBytes("just text"),
        };
        var id = await _server.CreateConversationAsync();

        using var response = await UploadAsync(id, name, bytes);

        await Uploads.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "document_type_mismatch", name);
    }

    [Fact]
    public async Task An_unknown_type_is_refused()
    {
        var id = await _server.CreateConversationAsync();
        using var response = await UploadAsync(id, "program.exe", Encoding.UTF8.GetBytes("MZ text"));
        await Uploads.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_document", ".docx");
    }

    [Fact]
    public async Task A_zip_bomb_docx_is_refused_before_it_is_inflated()
    {
        var bomb = TestDocuments.ZipBomb(megabytes: 40);
        Assert.True(bomb.Length < 200_000, $"the bomb is {bomb.Length} bytes");
        var id = await _server.CreateConversationAsync();

        using var response = await UploadAsync(id, "bomb.docx", bomb);

        await Uploads.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large", "zip bomb");
    }

    [Fact]
    public async Task An_oversized_file_is_refused_and_nothing_is_stored()
    {
        var id = await _server.CreateConversationAsync();
        using var response = await UploadAsync(id, "big.txt", Encoding.UTF8.GetBytes(new string('a', 2_000_001)));
        await Uploads.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "document_too_large", "limit");
        var conversation = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(0, conversation.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task A_send_with_an_unknown_attachment_is_refused_and_stores_nothing()
    {
        var id = await _server.CreateConversationAsync();
        using var response = await Client.PostAsJsonAsync($"/api/conversations/{id}/messages",
            new { content = "read this", attachments = new[] { "a_00000000000000000000" } });
        await Uploads.AssertProblemAsync(response, HttpStatusCode.NotFound, "attachment_not_found", "a_00000000000000000000");
        var conversation = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(0, conversation.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task Another_owners_attachment_can_be_neither_downloaded_nor_added_to()
    {
        var store = _server.Services.GetRequiredService<IConversationStore>();
        var attachments = _server.Services.GetRequiredService<AttachmentStore>();
        var theirs = new Conversation
        {
            Id = Conversation.NewId(), Owner = "someone-else", Title = "theirs", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        await store.CreateConversationAsync(theirs);
        var part = await attachments.SaveAsync(theirs.Id,
            new ExtractedDocument("private.txt", DocumentKind.Text, "text/plain", Encoding.UTF8.GetBytes("their secret"), "their secret", false), default);

        using var download = await Client.GetAsync($"/api/conversations/{theirs.Id}/attachments/{part.AttachmentId}");
        await Uploads.AssertProblemAsync(download, HttpStatusCode.NotFound, "conversation_not_found", theirs.Id);
        using var upload = await UploadAsync(theirs.Id, "mine.txt", Encoding.UTF8.GetBytes("hello"));
        await Uploads.AssertProblemAsync(upload, HttpStatusCode.NotFound, "conversation_not_found", theirs.Id);

        // The attachment id is useless in the caller's own conversation too.
        var mine = await _server.CreateConversationAsync();
        using var crossed = await Client.GetAsync($"/api/conversations/{mine}/attachments/{part.AttachmentId}");
        await Uploads.AssertProblemAsync(crossed, HttpStatusCode.NotFound, "attachment_not_found", part.AttachmentId);
    }

    [Fact]
    public async Task The_v1_api_reads_openai_file_parts()
    {
        var pdf = Convert.ToBase64String(TestDocuments.Pdf("The launch code is Ocelot42."));
        var csv = Convert.ToBase64String(Encoding.UTF8.GetBytes("city,population\nTimbuktu,54453\n"));
        using var response = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "mock/echo",
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "What is the launch code?" },
                        new { type = "file", file = new { filename = "codes.pdf", file_data = $"data:application/pdf;base64,{pdf}" } },
                        new { type = "file", file = new { filename = "cities.csv", file_data = csv } },
                    },
                },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Contains("Ocelot42", text, StringComparison.Ordinal);
        Assert.Contains("Timbuktu", text, StringComparison.Ordinal);
        Assert.Contains("[Attachment: codes.pdf", text, StringComparison.Ordinal);
        Assert.Contains("What is the launch code?", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_v1_api_refuses_a_lying_file_part_and_file_ids()
    {
        var zip = Convert.ToBase64String(TestDocuments.Docx("hello"));
        using var lying = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "mock/echo",
            messages = new[] { new { role = "user", content = new object[] { new { type = "file", file = new { filename = "a.txt", file_data = zip } } } } },
        });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, lying.StatusCode);
        Assert.Contains("document_type_mismatch", await lying.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var byId = await Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "mock/echo",
            messages = new[] { new { role = "user", content = new object[] { new { type = "file", file = new { file_id = "file-abc" } } } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, byId.StatusCode);
        Assert.Contains("file_data", await byId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> UploadAsync(string conversationId, string name, byte[] bytes) => Uploads.PostAsync(Client, conversationId, name, bytes);

    [Fact]
    public async Task The_stateless_chat_reads_files_and_keeps_them_in_the_returned_context()
    {
        var docx = Convert.ToBase64String(TestDocuments.Docx("The meeting is in room Nautilus."));
        var stream = await Sse.PostAsync(Client, "/api/chat", new
        {
            message = "Where is the meeting?",
            files = new[] { new { filename = "minutes.docx", file_data = $"data:{DocumentTypes.DocxMediaType};base64,{docx}" } },
        });

        Assert.Contains("room Nautilus", stream.Text, StringComparison.Ordinal);
        var context = stream.OfType("context_update").Single().GetProperty("content").GetProperty("messages");
        Assert.Contains("[Attachment: minutes.docx", context[0].GetProperty("content").GetString(), StringComparison.Ordinal);

        using var lying = await Client.PostAsJsonAsync("/api/chat", new
        {
            message = "read",
            files = new[] { new { filename = "notes.md", file_data = Convert.ToBase64String(TestDocuments.Pdf("x")) } },
        });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, lying.StatusCode);
    }

    [Fact]
    public async Task A_message_with_only_a_document_is_accepted_and_titled_after_it()
    {
        var id = await _server.CreateConversationAsync();
        using var upload = await Uploads.PostAsync(Client, id, "quarterly-plan.md", Encoding.UTF8.GetBytes("# Plan\nGrow."));
        var attachmentId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "", attachments = new[] { attachmentId } });

        Assert.Contains("Grow.", stream.Text, StringComparison.Ordinal);
        Assert.Equal("quarterly-plan.md", stream.OfType("title").Single().GetProperty("content").GetString());
    }
}

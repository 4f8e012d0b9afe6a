using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Documents;
using Parley.Errors;
using Parley.Tests.Documents;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 1: a 2 KB DOCX with tens of thousands of nested runs overflowed the stack inside OpenXml's DOM and ended
/// the process. Every route that reads documents now answers 422 and the server keeps serving.
/// </summary>
public sealed class Finding01DocxStackOverflowTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Finding01_deeply_nested_docx_upload_is_refused_and_the_server_lives()
    {
        var bomb = TestDocuments.NestedDocx(85_000, "deep");
        Assert.True(bomb.Length < 16 * 1024, $"the attack file is small ({bomb.Length} bytes)");
        var id = await _server.CreateConversationAsync();

        using var upload = await Uploads.PostAsync(_server.Client, id, "nested.docx", bomb);
        await Uploads.AssertProblemAsync(upload, HttpStatusCode.UnprocessableEntity, ErrorCodes.UnreadableDocument, "nested more than");

        using var health = await _server.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Finding01_deeply_nested_docx_in_a_v1_file_part_is_a_4xx()
    {
        var bomb = TestDocuments.NestedDocx(20_000, "deep");
        using var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "mock",
            messages = new object[]
            {
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "Summarise" },
                        new { type = "file", file = new { filename = "nested.docx", file_data = "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64," + Convert.ToBase64String(bomb) } },
                    },
                },
            },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("nested more than", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding01_deeply_nested_docx_in_api_chat_files_is_a_4xx()
    {
        var bomb = TestDocuments.NestedDocx(20_000, "deep");
        using var response = await _server.Client.PostAsJsonAsync("/api/chat", new
        {
            message = "Summarise",
            files = new[] { new { filename = "nested.docx", file_data = Convert.ToBase64String(bomb) } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
    }

    [Fact]
    public async Task Nesting_within_the_cap_still_reads_the_text()
    {
        var reader = new DocumentReader(Options.Create(new DocumentOptions()));
        var document = await reader.ReadAsync("nested.docx", TestDocuments.NestedDocx(DocxText.MaxDepth - 10, "ReachableWord"), CancellationToken.None);
        Assert.Equal("ReachableWord", document.Text);
    }
}

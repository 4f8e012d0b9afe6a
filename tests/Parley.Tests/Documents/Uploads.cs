using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Parley.Tests.Documents;

/// <summary>Uploads a file the way a browser form does, and checks problem responses.</summary>
internal static class Uploads
{
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string conversationId, string name, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        return client.PostAsync($"/api/conversations/{conversationId}/attachments", form);
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string mentions)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Contains(mentions, body, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Providers.Llama;

/// <summary>A model file that cannot be used costs one clear line, and the rest of Parley keeps working.</summary>
public sealed class LlamaFaultTests
{
    public static TheoryData<string> BadFiles => new() { "missing", "not-a-model", "truncated" };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_model_file_is_named_in_one_line_and_the_other_providers_keep_answering(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("parley-llama-").FullName;
        try
        {
            var path = Path.Combine(folder, "model.gguf");
            if (kind == "not-a-model")
                await File.WriteAllTextAsync(path, "this is a text file, not weights");
            else if (kind == "truncated")
                await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(TestModel.Path))[..40_000]);
            var settings = TestModel.Settings(modelPath: path);
            settings["Parley:DefaultModel"] = "mock/echo";
            await using var server = await ParleyTestServer.StartAsync(settings);

            var response = await server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "llama/model", messages = new[] { new { role = "user", content = "hi" } } });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
            Assert.Contains("Parley:Providers:llama:ModelPath", message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', message);
            var mock = await server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "still here" } } });
            Assert.Equal(HttpStatusCode.OK, mock.StatusCode);
            var ready = await server.Client.GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.Equal("degraded", ready.GetProperty("checks").GetProperty("local_models").GetProperty("status").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_llama_provider_without_a_model_path_stops_startup_naming_the_key()
    {
        var settings = new Dictionary<string, string?> { ["Parley:Providers:local:Kind"] = "llama" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ParleyTestServer.StartAsync(settings));

        Assert.Contains("Parley:Providers:local:ModelPath", error.Message, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Providers.Llama;

namespace Parley.Tests.Providers.Llama;

/// <summary><c>models pull</c> against a loopback file server that can cut a download and honours range requests.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private readonly byte[] _model = File.ReadAllBytes(TestModel.Path);
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-models-").FullName;
    private WebApplication _files = null!;
    private Uri _base = null!;
    private int _cutNextAfter;
    private readonly List<string?> _ranges = [];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _files = builder.Build();
        _files.MapGet("/files/stories.gguf", Serve);
        _files.MapGet("/files/notes.txt", () => "just some text, no weights");
        await _files.StartAsync();
        _base = new Uri(_files.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _files.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task Serve(HttpContext context)
    {
        var range = context.Request.Headers.Range.ToString();
        _ranges.Add(range.Length == 0 ? null : range);
        var from = range.StartsWith("bytes=", StringComparison.Ordinal) ? long.Parse(range[6..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (from > 0)
        {
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{_model.Length - 1}/{_model.Length}";
        }
        context.Response.ContentLength = _model.Length - from;
        var cut = Interlocked.Exchange(ref _cutNextAfter, 0);
        if (cut > 0)
        {
            await context.Response.Body.WriteAsync(_model.AsMemory((int)from, cut));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(_model.AsMemory((int)from));
    }

    private ModelDownloader Downloader(HttpClient http) => new(http, _folder, TextWriter.Null);

    [Fact]
    public async Task A_cut_download_continues_with_a_range_request_and_the_checksum_is_verified()
    {
        using var http = new HttpClient();
        var sha = Convert.ToHexStringLower(SHA256.HashData(_model));
        _cutNextAfter = 300_000;

        var cut = await Assert.ThrowsAsync<ModelPullException>(() => Downloader(http).PullAsync(new Uri(_base, "/files/stories.gguf"), sha, null, CancellationToken.None));
        Assert.Contains("Run the same command again", cut.Message, StringComparison.Ordinal);
        // What arrived before the connection dropped is kept (how much of the 300,000 bytes sent made it is up to the sockets).
        var kept = new FileInfo(Path.Combine(_folder, "stories.gguf.part")).Length;
        Assert.InRange(kept, 1, 300_000);

        var saved = await Downloader(http).PullAsync(new Uri(_base, "/files/stories.gguf"), sha, null, CancellationToken.None);

        Assert.Equal([null, $"bytes={kept}-"], _ranges);
        Assert.Equal(_model, await File.ReadAllBytesAsync(saved));
        Assert.False(File.Exists(saved + ".part"));
        Assert.Equal([("stories.gguf", (long)_model.Length, true)], ModelDownloader.List(_folder));
    }

    [Fact]
    public async Task A_checksum_mismatch_deletes_the_download_and_says_both_sums()
    {
        using var http = new HttpClient();
        var wrong = new string('a', 64);

        var error = await Assert.ThrowsAsync<ModelPullException>(() => Downloader(http).PullAsync(new Uri(_base, "/files/stories.gguf"), wrong, "x.gguf", CancellationToken.None));

        Assert.Contains(wrong, error.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(_model)), error.Message, StringComparison.Ordinal);
        Assert.Empty(ModelDownloader.List(_folder));
    }

    [Fact]
    public async Task A_file_that_is_not_GGUF_is_refused_and_nothing_is_kept()
    {
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<ModelPullException>(() => Downloader(http).PullAsync(new Uri(_base, "/files/notes.txt"), null, "notes.gguf", CancellationToken.None));

        Assert.Contains("not a GGUF model file", error.Message, StringComparison.Ordinal);
        Assert.Empty(ModelDownloader.List(_folder));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/model.gguf", null, "Only http and https")]
    [InlineData("http://127.0.0.1:1/model.gguf", "../escape.gguf", "cannot be a model file name")]
    [InlineData("http://127.0.0.1:1/model.gguf", null, "could not be reached")]
    public async Task Bad_input_gets_a_sentence(string url, string? name, string expected)
    {
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<ModelPullException>(() => Downloader(http).PullAsync(new Uri(url), null, name, CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_names_the_status()
    {
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<ModelPullException>(() => Downloader(http).PullAsync(new Uri(_base, "/files/missing.gguf"), null, null, CancellationToken.None));

        Assert.Contains(((int)HttpStatusCode.NotFound).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}

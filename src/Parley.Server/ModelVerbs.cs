using System.CommandLine;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Hosting;
using Parley.Providers;
using Parley.Providers.Llama;

namespace Parley.Server;

/// <summary>
/// <c>Parley.Server models pull URL [--sha256 HEX] [--name FILE]</c> and <c>models list</c>: GGUF files for <c>llama</c>
/// providers, kept in the data directory's <c>models</c> folder (where a relative <c>ModelPath</c> is looked up).
/// </summary>
internal static class ModelVerbs
{
    public static bool Handles(string[] args) => args is ["models", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Argument<Uri>("url") { Description = "Where to download the GGUF file from (http or https)" };
        var sha256 = new Option<string?>("--sha256") { Description = "The file's expected SHA-256; a mismatch deletes the download" };
        var name = new Option<string?>("--name") { Description = "The file name to save as (default: the URL's last segment)" };
        var pull = new Command("pull", "Download a GGUF model (a cut download continues where it stopped)") { url, sha256, name };
        pull.SetAction(async (parse, cancellation) =>
        {
            var (folder, _) = Settings();
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            try
            {
                var saved = await new ModelDownloader(http, folder, Console.Error).PullAsync(parse.GetValue(url)!, parse.GetValue(sha256), parse.GetValue(name), cancellation);
                Console.WriteLine(saved);
                return 0;
            }
            catch (ModelPullException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }
        });

        var list = new Command("list", "List the models in the data directory and the llama providers that use them");
        list.SetAction(_ =>
        {
            var (folder, options) = Settings();
            var files = ModelDownloader.List(folder);
            if (files.Count == 0)
                Console.Error.WriteLine($"No models in {folder}. Get one with: models pull <url>");
            foreach (var (file, bytes, complete) in files)
                Console.WriteLine(string.Join('\t', file, $"{bytes / 1048576.0:0.0} MB", complete ? "complete" : "partial (pull again to continue)"));
            foreach (var (provider, settings) in options.Providers.Where(p => p.Value.Kind == ProviderKinds.Llama))
            {
                var path = LlamaModels.Locate(settings.ModelPath ?? "", options.DataDirectory);
                Console.WriteLine(string.Join('\t', $"provider {provider}", path, File.Exists(path) ? "found" : "missing"));
            }
            return 0;
        });

        var root = new RootCommand("Parley local models") { new Command("models", "Manage local GGUF models") { pull, list } };
        return await root.Parse(args).InvokeAsync();
    }

    private static (string Folder, ParleyOptions Options) Settings()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.AddParley();
        using var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<ParleyOptions>>().Value;
        return (Path.GetFullPath(Path.Combine(options.DataDirectory, "models")), options);
    }
}

using System.Diagnostics;
using System.Net;
using Parley.Tests.Documents;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 8: when the client hung up, <c>pdftotext</c> was not killed (orphans from a PDF bomb ran for minutes), any
/// number ran at once, and uploads were not rate limited even for a user already at 429. A stand-in <c>pdftotext</c>
/// (a shell script that records its process id and sleeps) shows what runs.
/// </summary>
public sealed class Finding08PdfToTextLifetimeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-slowpdf-").FullName;

    private string PidFile => Path.Combine(_folder, "pids");

    private string SlowPdfToText()
    {
        var script = Path.Combine(_folder, "pdftotext");
        File.WriteAllText(script, $"#!/bin/sh\necho $$ >> '{PidFile}'\nexec sleep 60\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public async Task Finding08_pdftotext_is_killed_when_the_client_hangs_up_and_runs_are_capped()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Documents:PdfToTextPath"] = SlowPdfToText(),
            ["Parley:Documents:MaxConcurrentExtractions"] = "1",
            ["Parley:Documents:PdfTimeoutSeconds"] = "120",
            ["Parley:Security:MaxConcurrentUploadsPerUser"] = "5",
        });
        var id = await server.CreateConversationAsync();
        using var hangUp = new CancellationTokenSource();
        var uploads = Enumerable.Range(0, 2).Select(_ => UploadUntilCancelledAsync(server, id, hangUp.Token)).ToList();

        await WaitUntilAsync(() => Pids().Count >= 1, TimeSpan.FromSeconds(15));
        await Task.Delay(1000);
        Assert.Single(Pids());
        var first = Pids()[0];
        Assert.True(IsRunning(first));

        await hangUp.CancelAsync();
        await Task.WhenAll(uploads);
        await WaitUntilAsync(() => Pids().All(p => !IsRunning(p)), TimeSpan.FromSeconds(10));
        Assert.All(Pids(), p => Assert.False(IsRunning(p), $"pdftotext {p} outlived the request"));
    }

    [Fact]
    public async Task Finding08_uploads_count_against_the_callers_rate_limit()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Limits:RequestsPerMinute"] = "1" });
        var id = await server.CreateConversationAsync();
        using var first = await Uploads.PostAsync(server.Client, id, "a.txt", "first"u8.ToArray());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await Uploads.PostAsync(server.Client, id, "b.txt", "second"u8.ToArray());
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    private static async Task UploadUntilCancelledAsync(ParleyTestServer server, string id, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var form = new MultipartFormDataContent { { new ByteArrayContent(TestDocuments.Pdf("slow")), "file", "slow.pdf" } };
        try
        {
            using var response = await client.PostAsync($"/api/conversations/{id}/attachments", form, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private List<int> Pids() =>
        File.Exists(PidFile) ? [.. File.ReadAllLines(PidFile).Where(l => l.Length > 0).Select(int.Parse)] : [];

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition() && stopwatch.Elapsed < limit)
            await Task.Delay(100);
    }

    public void Dispose()
    {
        foreach (var pid in Pids())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
        Directory.Delete(_folder, recursive: true);
    }
}

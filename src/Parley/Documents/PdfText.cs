using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Parley.Errors;

namespace Parley.Documents;

/// <summary>
/// The text of a PDF, from poppler-utils' <c>pdftotext</c> run as a separate process (no PDF parser runs inside
/// Parley): the file goes through a private temporary file, the run has a time limit, and output beyond the
/// character limit stops the process. The child never outlives the call: it is killed when the caller cancels too.
/// </summary>
public static class PdfText
{
    public static async Task<(string Text, bool Truncated)> ExtractAsync(string name, byte[] data, DocumentOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("parley-pdf-");
        try
        {
            var input = Path.Combine(directory.FullName, "input.pdf");
            await File.WriteAllBytesAsync(input, data, cancellationToken);
            var start = new ProcessStartInfo(options.PdfToTextPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                WorkingDirectory = directory.FullName,
            };
            foreach (var argument in new[] { "-enc", "UTF-8", "-nopgbrk", "-q", input, "-" })
                start.ArgumentList.Add(argument);

            Process process;
            try
            {
                process = Process.Start(start) ?? throw NotInstalled(options);
            }
            catch (Win32Exception)
            {
                throw NotInstalled(options);
            }

            using (process)
            {
                try
                {
                    return await ReadOutputAsync(name, process, options, cancellationToken);
                }
                finally
                {
                    // Whatever ended the read (the client left, the time limit, the character cap, an error), the child goes too.
                    Stop(process);
                }
            }
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; the OS cleans its temp folder.
            }
        }
    }

    private static async Task<(string Text, bool Truncated)> ReadOutputAsync(string name, Process process, DocumentOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.PdfTimeoutSeconds));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var text = new StringBuilder();
        var buffer = new char[16 * 1024];
        try
        {
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(buffer, 0, read);
                if (text.Length > options.MaxExtractedChars)
                    return (text.ToString(0, options.MaxExtractedChars), true);
            }
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ParleyException(ErrorCodes.UnreadableDocument, 422,
                $"'{name}' took longer than {options.PdfTimeoutSeconds} s to read and was refused.");
        }
        if (process.ExitCode != 0)
        {
            _ = await stderr;
            throw new ParleyException(ErrorCodes.UnreadableDocument, 422, $"'{name}' cannot be read: it is not a valid PDF (pdftotext exit code {process.ExitCode}).");
        }
        return (text.ToString().Trim(), false);
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exited between the check and the kill.
        }
    }

    private static ParleyException NotInstalled(DocumentOptions options) =>
        new(ErrorCodes.PdfExtractionUnavailable, 501,
            $"PDF text extraction is not installed on this server ('{options.PdfToTextPath}' was not found; install poppler-utils). "
            + "Upload the document as text, Markdown, HTML or DOCX instead.");
}

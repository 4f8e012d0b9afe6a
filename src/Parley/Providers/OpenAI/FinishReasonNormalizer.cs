using System.ClientModel.Primitives;
using System.Text;
using System.Text.RegularExpressions;

namespace Parley.Providers.OpenAI;

/// <summary>
/// The OpenAI SDK throws on a <c>finish_reason</c> it does not know, which OpenAI-compatible servers do send
/// (TGI's <c>eos_token</c> and <c>stop_sequence</c>, vLLM's <c>abort</c>...), losing the whole reply. This pipeline
/// policy rewrites such values to <c>stop</c> before the SDK reads them, line by line so streamed replies keep flowing.
/// </summary>
internal sealed partial class FinishReasonNormalizer : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Rewrite(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex);
        Rewrite(message);
    }

    private static void Rewrite(PipelineMessage message)
    {
        if (message.Response is not { IsError: false } response || response.ContentStream is null)
            return;
        if (message.BufferResponse)
        {
            var body = response.Content.ToString();
            var normalized = Normalize(body);
            if (!ReferenceEquals(body, normalized))
                response.ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(normalized));
        }
        else
        {
            response.ContentStream = new LineRewritingStream(response.ContentStream, Normalize);
        }
    }

    internal static string Normalize(string line) => UnknownFinishReason().Replace(line, "\"finish_reason\":\"stop\"");

    [GeneratedRegex("\"finish_reason\"\\s*:\\s*\"(?!(?:stop|length|tool_calls|content_filter|function_call)\")[^\"]*\"")]
    private static partial Regex UnknownFinishReason();

    /// <summary>A read-only stream that passes <paramref name="inner"/> through <paramref name="rewrite"/> one line at a time.</summary>
    private sealed class LineRewritingStream(Stream inner, Func<string, string> rewrite) : Stream
    {
        private readonly StreamReader _reader = new(inner, Encoding.UTF8);
        private ReadOnlyMemory<byte> _pending;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_pending.IsEmpty)
            {
                var line = await _reader.ReadLineAsync(cancellationToken);
                if (line is null)
                    return 0;
                _pending = Encoding.UTF8.GetBytes(rewrite(line) + "\n");
            }

            var count = Math.Min(buffer.Length, _pending.Length);
            _pending[..count].CopyTo(buffer);
            _pending = _pending[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _reader.Dispose();
            base.Dispose(disposing);
        }
    }
}

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
            var body = response.Content.ToMemory();
            if (HasUnknownFinishReason(body.Span))
                response.ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(Normalize(Encoding.UTF8.GetString(body.Span))));
        }
        else
        {
            response.ContentStream = new FinishReasonRewritingStream(response.ContentStream);
        }
    }

    internal static string Normalize(string text) => UnknownFinishReason().Replace(text, "\"finish_reason\":\"stop\"");

    /// <summary>A byte-level check, so the common case (known or null reasons) costs no decoding.</summary>
    internal static bool HasUnknownFinishReason(ReadOnlySpan<byte> json)
    {
        var key = "\"finish_reason\""u8;
        for (var at = json.IndexOf(key); at >= 0; at = json.IndexOf(key))
        {
            json = json[(at + key.Length)..].TrimStart(" \t:"u8);
            if (json.IsEmpty || json[0] != (byte)'"')
                continue;
            var end = json[1..].IndexOf((byte)'"');
            if (end < 0 || !IsKnown(json.Slice(1, end)))
                return true;
        }
        return false;
    }

    private static bool IsKnown(ReadOnlySpan<byte> reason) =>
        reason.SequenceEqual("stop"u8) || reason.SequenceEqual("length"u8) || reason.SequenceEqual("tool_calls"u8)
        || reason.SequenceEqual("content_filter"u8) || reason.SequenceEqual("function_call"u8);

    [GeneratedRegex("\"finish_reason\"\\s*:\\s*\"(?!(?:stop|length|tool_calls|content_filter|function_call)\")[^\"]*\"")]
    private static partial Regex UnknownFinishReason();

    /// <summary>
    /// Passes the SSE body through in chunks of whole lines, untouched unless a chunk carries an unknown reason;
    /// a partial line waits for its end, so events still flow as soon as they are complete.
    /// </summary>
    private sealed class FinishReasonRewritingStream(Stream inner) : Stream
    {
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;
        private bool _innerDone;
        private ReadOnlyMemory<byte> _ready;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_ready.IsEmpty)
            {
                var pending = _buffer.AsMemory(_start, _end - _start);
                var lastNewLine = pending.Span.LastIndexOf((byte)'\n');
                if (lastNewLine >= 0 || (_innerDone && !pending.IsEmpty))
                {
                    var lines = lastNewLine >= 0 ? pending[..(lastNewLine + 1)] : pending;
                    _start += lines.Length;
                    _ready = HasUnknownFinishReason(lines.Span) ? Encoding.UTF8.GetBytes(Normalize(Encoding.UTF8.GetString(lines.Span))) : lines;
                    break;
                }
                if (_innerDone)
                    return 0;
                await FillAsync(cancellationToken);
            }

            var count = Math.Min(buffer.Length, _ready.Length);
            _ready[..count].CopyTo(buffer);
            _ready = _ready[count..];
            return count;
        }

        /// <summary>Reads more from the inner stream after the unread bytes, growing the buffer for a long line.</summary>
        private async ValueTask FillAsync(CancellationToken cancellationToken)
        {
            var unread = _end - _start;
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
                (_start, _end) = (0, unread);
            }
            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            var read = await inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
                _innerDone = true;
            _end += read;
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
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

using System.Text;
using Microsoft.Extensions.AI;

namespace Parley.Providers.Llama;

/// <summary>
/// Splits a reply being generated into the text a client sees as it streams and the tool calls the model writes in its
/// template's syntax. Text that could still open a call is held back until the next piece decides; calls that turn out
/// not to be well formed are given back as text, so nothing the model wrote is lost.
/// </summary>
internal sealed class ToolCallReader(LlamaToolSyntax syntax)
{
    private readonly StringBuilder _calls = new();
    private string _pending = "";
    private bool _inCalls;
    private bool _sawText;

    /// <summary>Adds generated text; returns what can be shown now.</summary>
    public string Push(string text)
    {
        if (_inCalls)
        {
            _calls.Append(text);
            return "";
        }
        var buffer = _pending + text;
        _pending = "";
        if (syntax.CallsOnlyAtStart)
        {
            if (_sawText)
                return buffer;
            var start = buffer.AsSpan().TrimStart();
            if (start.Length == 0)
            {
                _pending = buffer;
                return "";
            }
            if (start.StartsWith(syntax.CallStart, StringComparison.Ordinal))
            {
                _inCalls = true;
                _calls.Append(start);
                return "";
            }
            _sawText = true;
            return buffer;
        }
        var at = buffer.IndexOf(syntax.CallStart, StringComparison.Ordinal);
        if (at >= 0)
        {
            _inCalls = true;
            _calls.Append(buffer, at, buffer.Length - at);
            return buffer[..at];
        }
        var hold = StopSequenceFilter.HeldBack(buffer, [syntax.CallStart]);
        _pending = buffer[^hold..];
        return buffer[..^hold];
    }

    /// <summary>The text still held back and the calls, once generation ended.</summary>
    public (string Text, IReadOnlyList<FunctionCallContent> Calls) Finish()
    {
        if (!_inCalls)
            return (_pending, []);
        var written = _calls.ToString();
        return syntax.ReadCalls(written) is { } calls ? ("", calls) : (written, []);
    }
}

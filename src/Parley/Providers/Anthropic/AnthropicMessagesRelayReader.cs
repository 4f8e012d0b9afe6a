using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Relay;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Reads a relayed Anthropic reply forward-only: <c>message_start</c> (id, model, input tokens), tool_use blocks and their
/// <c>input_json_delta</c>s (the calls, for the record), text and thinking sizes, <c>message_delta</c> (stop reason, output
/// tokens), <c>message_stop</c>, and <c>error</c> events, which throw. Stop reasons are reported in Parley's terms.
/// </summary>
internal sealed class AnthropicMessagesRelayReader(string providerName) : IRelayReader
{
    private readonly List<FunctionCallContent> _calls = [];
    private readonly Dictionary<long, (string Id, string Name, System.Text.StringBuilder Arguments)> _open = [];
    private long _input;
    private long? _output;
    private long _cacheRead;

    public bool Complete { get; private set; }

    public UsageDetails? Usage => _output is null && _input == 0 ? null : new UsageDetails
    {
        InputTokenCount = _input, OutputTokenCount = _output ?? 0, TotalTokenCount = _input + (_output ?? 0), CachedInputTokenCount = _cacheRead,
    };

    public string? FinishReason { get; private set; }

    public string? ResponseId { get; private set; }

    public string? ModelId { get; private set; }

    public long OutputBytes { get; private set; }

    public string? Text { get; private set; }

    public IReadOnlyList<FunctionCallContent> ToolCalls => _calls;

    public bool ReadEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        using var json = Parse(data);
        var root = json.RootElement;
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "message_start" when root.TryGetProperty("message", out var message):
                ReadMessageHeader(message);
                break;
            case "content_block_start" when root.TryGetProperty("content_block", out var block) && Str(block, "type") == "tool_use":
                _open[Index(root)] = (Str(block, "id") ?? "", Str(block, "name") ?? "", new System.Text.StringBuilder());
                break;
            case "content_block_delta" when root.TryGetProperty("delta", out var delta):
                var text = Str(delta, "text") ?? Str(delta, "thinking") ?? Str(delta, "partial_json") ?? "";
                OutputBytes += text.Length;
                if (Str(delta, "type") == "input_json_delta" && _open.TryGetValue(Index(root), out var call))
                    call.Arguments.Append(text);
                break;
            case "content_block_stop" when _open.Remove(Index(root), out var done):
                _calls.Add(Tools.ToolContent.ParseCall(done.Id, done.Name, done.Arguments.Length == 0 ? "{}" : done.Arguments.ToString()));
                break;
            case "message_delta":
                if (root.TryGetProperty("delta", out var messageDelta) && Str(messageDelta, "stop_reason") is { } stop)
                    FinishReason = Finish(stop);
                if (root.TryGetProperty("usage", out var usage))
                    ReadUsage(usage);
                break;
            case "message_stop":
                Complete = true;
                break;
            case "error":
                var error = root.TryGetProperty("error", out var e) ? e : default;
                throw UpstreamErrors.MidStream(providerName, error.ValueKind == JsonValueKind.Object ? Str(error, "type") : null, null,
                    error.ValueKind == JsonValueKind.Object ? Str(error, "message") : null);
        }
        return true;
    }

    public void ReadResponse(ReadOnlySpan<byte> body)
    {
        using var json = Parse(body);
        var root = json.RootElement;
        ReadMessageHeader(root);
        var text = new System.Text.StringBuilder();
        if (root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in content.EnumerateArray())
            {
                switch (Str(block, "type"))
                {
                    case "text":
                        text.Append(Str(block, "text"));
                        break;
                    case "tool_use":
                        var input = block.TryGetProperty("input", out var i) ? i.GetRawText() : "{}";
                        _calls.Add(Tools.ToolContent.ParseCall(Str(block, "id"), Str(block, "name"), input));
                        OutputBytes += input.Length;
                        break;
                }
            }
        }
        Text = text.ToString();
        OutputBytes += Text.Length;
        if (Str(root, "stop_reason") is { } stop)
            FinishReason = Finish(stop);
        Complete = true;
    }

    private void ReadMessageHeader(JsonElement message)
    {
        ResponseId = Str(message, "id") ?? ResponseId;
        ModelId = Str(message, "model") ?? ModelId;
        if (message.TryGetProperty("usage", out var usage))
            ReadUsage(usage);
    }

    private void ReadUsage(JsonElement usage)
    {
        if (usage.TryGetProperty("input_tokens", out var input) && input.TryGetInt64(out var inputTokens))
            _input = inputTokens;
        if (usage.TryGetProperty("output_tokens", out var output) && output.TryGetInt64(out var outputTokens))
            _output = outputTokens;
        if (usage.TryGetProperty("cache_read_input_tokens", out var cache) && cache.TryGetInt64(out var cached))
            _cacheRead = cached;
    }

    private JsonDocument Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
    }

    private static long Index(JsonElement root) => root.TryGetProperty("index", out var index) && index.TryGetInt64(out var i) ? i : -1;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Finish(string stopReason) => stopReason switch
    {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };
}

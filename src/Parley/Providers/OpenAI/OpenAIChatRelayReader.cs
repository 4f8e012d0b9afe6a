using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Relay;

namespace Parley.Providers.OpenAI;

/// <summary>
/// Reads relayed <c>chat.completion</c> bodies and <c>chat.completion.chunk</c> events with a <see cref="Utf8JsonReader"/>,
/// picking out usage, the first choice's finish reason, tool calls and the output's size; everything else is only
/// validated (skipped token by token), never materialised.
/// </summary>
internal sealed class OpenAIChatRelayReader(string providerName, bool usageAdded) : IRelayReader
{
    private readonly SortedDictionary<(int Choice, int Index), ToolCallBuilder> _calls = [];
    private List<FunctionCallContent>? _toolCalls;
    private StringBuilder? _streamedText;
    private char[]? _chars;

    public bool Complete { get; private set; }

    public UsageDetails? Usage { get; private set; }

    public string? FinishReason { get; private set; }

    public string? ResponseId { get; private set; }

    public string? ModelId { get; private set; }

    public long OutputBytes { get; private set; }

    public string? Text
    {
        get => _text ?? _streamedText?.ToString();
        private set => _text = value;
    }

    private string? _text;

    public IReadOnlyList<FunctionCallContent> ToolCalls => _toolCalls ??= [.. _calls.Values.Select(c => c.Build())];

    public bool ReadEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Complete = true;
            return true;
        }
        var hadChoices = Read(data, streaming: true, out var usageOnly);
        // The usage-only chunk Parley asked for: the client did not.
        return !(usageAdded && usageOnly && !hadChoices);
    }

    public void ReadResponse(ReadOnlySpan<byte> body)
    {
        Read(body, streaming: false, out _);
        Complete = true;
    }

    /// <summary>Returns whether the object had a non-empty <c>choices</c>; <paramref name="hasUsage"/>: it had a usage object.</summary>
    private bool Read(ReadOnlySpan<byte> json, bool streaming, out bool hasUsage)
    {
        hasUsage = false;
        var hadChoices = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException("Not a JSON object.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    hadChoices = ReadChoices(ref reader, streaming);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        hasUsage = true;
                        Usage = ReadUsage(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Null)
                        throw ReadError(ref reader);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (ResponseId is null && reader.TokenType == JsonTokenType.String)
                        ResponseId = reader.GetString();
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (ModelId is null && reader.TokenType == JsonTokenType.String)
                        ModelId = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                throw new JsonException("Trailing data after the JSON object.");
        }
        catch (JsonException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw UpstreamErrors.Invalid(providerName, ex);
        }
        return hadChoices;
    }

    private bool ReadChoices(ref Utf8JsonReader reader, bool streaming)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            any = true;
            var index = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number)
                        index = reader.GetInt32();
                }
                else if (reader.ValueTextEquals(streaming ? "delta"u8 : "message"u8))
                {
                    reader.Read();
                    ReadMessage(ref reader, index, streaming);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (FinishReason is null || index == 0))
                        FinishReason = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        return any;
    }

    private void ReadMessage(ref Utf8JsonReader reader, int choice, bool streaming)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    OutputBytes += reader.ValueSpan.Length;
                    if (!streaming && choice == 0)
                        Text = reader.GetString();
                    else if (choice == 0)
                        AppendText(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8) || reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                    OutputBytes += reader.ValueSpan.Length;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                ReadToolCalls(ref reader, choice);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The first choice's streamed text, unescaped into a reused buffer (no string per chunk).</summary>
    private void AppendText(ref Utf8JsonReader reader)
    {
        var needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (_chars is null || _chars.Length < needed)
            _chars = new char[Math.Max(256, needed)];
        var written = reader.CopyString(_chars);
        (_streamedText ??= new StringBuilder()).Append(_chars, 0, written);
    }

    private void ReadToolCalls(ref Utf8JsonReader reader, int choice)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }
        var position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? id = null, name = null, arguments = null;
            var index = position++;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number)
                        index = reader.GetInt32();
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                OutputBytes += reader.ValueSpan.Length;
                                arguments = reader.GetString();
                            }
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (!_calls.TryGetValue((choice, index), out var call))
                _calls[(choice, index)] = call = new ToolCallBuilder();
            call.Append(id, name, arguments);
            _toolCalls = null;
        }
    }

    private static UsageDetails ReadUsage(ref Utf8JsonReader reader)
    {
        var usage = new UsageDetails();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
                usage.InputTokenCount = ReadCount(ref reader);
            else if (reader.ValueTextEquals("completion_tokens"u8))
                usage.OutputTokenCount = ReadCount(ref reader);
            else if (reader.ValueTextEquals("total_tokens"u8))
                usage.TotalTokenCount = ReadCount(ref reader);
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
                usage.CachedInputTokenCount = ReadDetail(ref reader, "cached_tokens"u8);
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
                usage.ReasoningTokenCount = ReadDetail(ref reader, "reasoning_tokens"u8);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return usage;
    }

    private static long? ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var count) ? count : null;
    }

    private static long? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        long? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
                value = ReadCount(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return value;
    }

    private Errors.ProviderException ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
            return UpstreamErrors.MidStream(providerName, null, null, reader.GetString());
        string? type = null, code = null, message = null;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
                switch (property)
                {
                    case "type": type = value; break;
                    case "code": code = value; break;
                    case "message": message = value; break;
                }
            }
        }
        return UpstreamErrors.MidStream(providerName, type, code, message);
    }

    private sealed class ToolCallBuilder
    {
        private readonly StringBuilder _arguments = new();
        private string? _id;
        private string? _name;

        public void Append(string? id, string? name, string? arguments)
        {
            _id ??= id;
            _name ??= name;
            _arguments.Append(arguments);
        }

        /// <summary>Informational: the client runs its own tools. Arguments that are not a JSON object are kept as text under <c>raw_arguments</c>.</summary>
        public FunctionCallContent Build()
        {
            var text = _arguments.ToString();
            Dictionary<string, object?>? arguments;
            try
            {
                arguments = text.Length == 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, object?>>(text);
            }
            catch (JsonException)
            {
                arguments = new() { ["raw_arguments"] = text };
            }
            return new FunctionCallContent(_id ?? "", _name ?? "", arguments) { InformationalOnly = true };
        }
    }
}

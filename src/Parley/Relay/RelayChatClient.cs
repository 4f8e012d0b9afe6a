using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Relay;

/// <summary>
/// A provider's client that relays a call when the turn carries a <see cref="RelayRequest"/> for an API its upstream
/// speaks: the client's body goes upstream with the model rewritten, and the upstream's bytes come back as the
/// <see cref="RelayPayload"/> of each update (whole SSE events, as they arrived) or of the response, next to the
/// usage, finish reason and tool calls its protocol's reader found. Any other call goes to the translating client
/// it wraps. It is innermost, so every policy of the pipeline wraps the relayed call like any other.
/// </summary>
public sealed class RelayChatClient(IChatClient translating, string providerName, ProviderOptions provider, Uri baseUrl, string defaultModel, HttpClient http)
    : DelegatingChatClient(translating)
{
    private const int MaxErrorBytes = 64 * 1024;

    private readonly Uri _baseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (RelayFor(options) is not { } relay || relay.Stream)
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);

        using var timeout = Timeout(cancellationToken);
        var (response, reader) = await SendAsync(relay, options, timeout.Token, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (Transport(ex, replyStarted: false, cancellationToken) is { } mapped)
            {
                throw mapped;
            }
            reader.ReadResponse(body);
            var contents = new List<AIContent>();
            if (reader.Text is { Length: > 0 } text)
                contents.Add(new TextContent(text));
            contents.AddRange(reader.ToolCalls);
            var payload = new RelayPayload(body, Streamed: false);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { RawRepresentation = payload })
            {
                RawRepresentation = payload,
                // Also here, because a response cache rebuilds responses from updates and keeps only their properties.
                AdditionalProperties = new() { [RelayPayload.PropertyKey] = payload },
                ResponseId = reader.ResponseId,
                ModelId = reader.ModelId,
                FinishReason = reader.FinishReason is { } finish ? new ChatFinishReason(finish) : null,
                Usage = reader.Usage ?? Estimate(relay, reader),
            };
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (RelayFor(options) is not { } relay || !relay.Stream)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                yield return update;
            yield break;
        }

        using var timeout = Timeout(cancellationToken);
        var (response, reader) = await SendAsync(relay, options, timeout.Token, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            // The provider timeout bounds the wait for the answer's headers; a stream may then run as long as it flows.
            timeout.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var scanner = new RelayStreamScanner(reader);
                try
                {
                    while (true)
                    {
                        ProviderException? failure = null;
                        int read;
                        try
                        {
                            // Between events, wait without a buffer: an idle stream then holds none of its own.
                            if (scanner.IsEmpty)
                                await stream.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                            read = await stream.ReadAsync(scanner.FreeSpace(), cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (Transport(ex, replyStarted: scanner.Started, cancellationToken) is { } mapped)
                        {
                            read = 0;
                            failure = mapped;
                        }
                        var (forward, error) = scanner.Advance(read, final: read == 0 && failure is null);
                        failure ??= error;
                        if (failure is null && read == 0 && !reader.Complete)
                            failure = TransportFailures.Interrupted(providerName, null);
                        if (!forward.IsEmpty || (read == 0 && failure is null))
                            yield return Update(forward, reader, finished: read == 0 && failure is null, relay);
                        if (failure is not null)
                        {
                            // What was streamed is still accounted, estimated when the upstream never reported it.
                            if (reader.Usage is null && scanner.Started)
                                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Estimate(relay, reader))]);
                            throw failure;
                        }
                        if (read == 0)
                            yield break;
                    }
                }
                finally
                {
                    scanner.Dispose();
                }
            }
        }
    }

    private RelayRequest? RelayFor(ChatOptions? options) =>
        RelayRequest.Of(options) is { } relay && string.Equals(relay.Protocol.ProviderKind, provider.Kind, StringComparison.OrdinalIgnoreCase) && provider.Relay
            && relay.Protocol.ServedBy(provider)
            ? relay
            : null;

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(provider.TimeoutSeconds));
        return timeout;
    }

    /// <summary>Sends the request and checks the status; an error answer is read (bounded) and thrown as a provider error.</summary>
    private async Task<(HttpResponseMessage Response, IRelayReader Reader)> SendAsync(
        RelayRequest relay, ChatOptions? options, CancellationToken timeoutToken, CancellationToken cancellationToken)
    {
        var body = relay.Protocol.PrepareBody(relay, options?.ModelId is { Length: > 0 } model ? model : defaultModel, out var usageAdded);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_baseUrl, relay.Protocol.Path))
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        relay.Protocol.Authorize(request, provider);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Transport(ex, replyStarted: false, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        if ((int)response.StatusCode < 300)
        {
            var reader = relay.Protocol.CreateReader(providerName, usageAdded);
            relay.Reader = reader;
            return (response, reader);
        }
        using (response)
        {
            var error = await ReadBoundedAsync(response, timeoutToken).ConfigureAwait(false);
            var retryAfter = TransportFailures.ParseRetryAfter(Header(response, "Retry-After"), Header(response, "retry-after-ms"));
            throw relay.Protocol.MapError(providerName, (int)response.StatusCode, error, retryAfter);
        }
    }

    private ProviderException? Transport(Exception exception, bool replyStarted, CancellationToken cancellationToken) =>
        TransportFailures.Map(providerName, exception, replyStarted, cancellationToken);

    private static ChatResponseUpdate Update(ReadOnlyMemory<byte> forward, IRelayReader reader, bool finished, RelayRequest relay)
    {
        var update = new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            RawRepresentation = forward.IsEmpty ? null : new RelayPayload(forward, Streamed: true),
            ResponseId = reader.ResponseId,
            ModelId = reader.ModelId,
        };
        if (!finished)
            return update;
        var contents = new List<AIContent>(reader.ToolCalls.Count + 2);
        if (reader.Text is { Length: > 0 } text)
            contents.Add(new TextContent(text));
        contents.AddRange(reader.ToolCalls);
        contents.Add(new UsageContent(reader.Usage ?? Estimate(relay, reader)));
        update.Contents = contents;
        update.FinishReason = reader.FinishReason is { } finish ? new ChatFinishReason(finish) : null;
        return update;
    }

    /// <summary>About four bytes of text per token, the rough rule for English; the request's JSON stands in for its prompt.</summary>
    private static UsageDetails Estimate(RelayRequest relay, IRelayReader reader)
    {
        var input = Math.Max(1, relay.Body.Length / 4);
        var output = (reader.OutputBytes + 3) / 4;
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxErrorBytes];
                var total = 0;
                int read;
                while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                    total += read;
                return buffer[..total];
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return [];
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Maps the Anthropic SDK's exceptions (HTTP errors, <c>event: error</c> frames in a stream, timeouts, network
/// failures) to <see cref="ProviderException"/>s the same way the OpenAI adapter does. A caller's cancellation
/// propagates untouched.
/// </summary>
/// <remarks>
/// It also closes a gap in the SDK: its timeout stops at the response headers, so a stream that stalls after it
/// started would hang until the caller gave up. Here every wait for the next update is bounded by <paramref name="idleTimeout"/>.
/// </remarks>
internal sealed class AnthropicErrorMappingChatClient(IChatClient innerClient, string providerName, TimeSpan idleTimeout)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var retryAfter = RetryAfterCapture.Begin();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (Map(ex, retryAfter.Value, replyStarted: false, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var retryAfter = RetryAfterCapture.Begin();
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var updates = base.GetStreamingResponseAsync(messages, options, idle.Token).GetAsyncEnumerator(idle.Token);
        var started = false;
        while (true)
        {
            try
            {
                idle.CancelAfter(idleTimeout);
                if (!await updates.MoveNextAsync())
                    break;
                idle.CancelAfter(Timeout.InfiniteTimeSpan); // the consumer's own pace is not the provider's delay
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
            {
                throw ProviderErrors.Timeout(providerName, ex);
            }
            catch (Exception ex) when (Map(ex, retryAfter.Value, started, cancellationToken) is { } mapped)
            {
                throw mapped;
            }

            started = true;
            yield return updates.Current;
        }
    }

    private ProviderException? Map(Exception exception, TimeSpan? retryAfter, bool replyStarted, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return null;

        return exception switch
        {
            AnthropicApiException api => ProviderErrors.FromStatus(
                providerName, (int)api.StatusCode, Message(api), retryAfter, api),
            // An "event: error" frame: the HTTP status was 200, the error type stands in for it.
            AnthropicServiceException service => ProviderErrors.FromStatus(
                providerName, StatusOf(service.Type?.Raw() ?? TypeFromBody(service.Body)), Message(service), retryAfter, service),
            AnthropicIOException { InnerException: { } io } => TransportFailures.Map(providerName, io, replyStarted, cancellationToken),
            _ => TransportFailures.Map(providerName, exception, replyStarted, cancellationToken),
        };
    }

    private static string? Message(AnthropicServiceException exception) =>
        exception.ApiMessage ?? (exception.Body.ValueKind == JsonValueKind.Object
            && exception.Body.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message)
                ? message.GetString() : null);

    private static string? TypeFromBody(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) && error.TryGetProperty("type", out var type)
            ? type.GetString() : null;

    /// <summary>The HTTP status Anthropic documents for each error type.</summary>
    private static int StatusOf(string? errorType) => errorType?.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal) switch
    {
        "invalidrequesterror" => (int)HttpStatusCode.BadRequest,
        "authenticationerror" => (int)HttpStatusCode.Unauthorized,
        "permissionerror" => (int)HttpStatusCode.Forbidden,
        "notfounderror" => (int)HttpStatusCode.NotFound,
        "requesttoolarge" => (int)HttpStatusCode.RequestEntityTooLarge,
        "ratelimiterror" => (int)HttpStatusCode.TooManyRequests,
        "timeouterror" => (int)HttpStatusCode.GatewayTimeout,
        "overloadederror" => 529,
        _ => (int)HttpStatusCode.InternalServerError,
    };
}

using System.Runtime.CompilerServices;

namespace Parley.Providers.Anthropic;

/// <summary>
/// The Anthropic SDK's exceptions carry the status and body of a failed response but not its headers, so this handler
/// (attached through <c>AnthropicClient.Handlers</c>) reads <c>Retry-After</c> into the box the current call opened.
/// </summary>
internal sealed class RetryAfterCapture : DelegatingHandler
{
    private static readonly AsyncLocal<StrongBox<TimeSpan?>?> Current = new();

    /// <summary>Opens a box for the calls made from here on in this async flow; read it after a failure.</summary>
    public static StrongBox<TimeSpan?> Begin() => Current.Value = new StrongBox<TimeSpan?>();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && Current.Value is { } box)
        {
            box.Value = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero,
                _ => null,
            };
        }

        return response;
    }
}

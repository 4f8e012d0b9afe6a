using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Hosting;

/// <summary>
/// Graceful shutdown: when the host starts stopping (SIGTERM), running replies get
/// <c>Parley:ShutdownGraceSeconds</c> to finish; then <see cref="Expired"/> fires and every stream still
/// running ends with a final error event, keeping what was generated. New connections are refused meanwhile.
/// </summary>
public sealed class ShutdownGrace : IDisposable
{
    private readonly CancellationTokenSource _expired = new();
    private readonly CancellationTokenRegistration _stopping;

    public ShutdownGrace(IHostApplicationLifetime lifetime, IOptions<ParleyOptions> options)
    {
        var grace = TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds);
        _stopping = lifetime.ApplicationStopping.Register(() => _expired.CancelAfter(grace));
    }

    /// <summary>Cancelled when the grace period after a shutdown request has run out.</summary>
    public CancellationToken Expired => _expired.Token;

    public void Dispose()
    {
        _stopping.Dispose();
        _expired.Dispose();
    }
}

using Microsoft.Extensions.Hosting;
using Parley.Storage;

namespace Parley.Hosting;

/// <summary>Creates or migrates the store's schema before the server accepts requests.</summary>
internal sealed class StoreInitializer(IConversationStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

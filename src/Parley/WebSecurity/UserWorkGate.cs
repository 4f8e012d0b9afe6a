using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Limits;

namespace Parley.WebSecurity;

/// <summary>
/// Per-user caps on expensive work in progress (document uploads, imports): each holds a whole file in memory while it
/// is read, so a user running many at once could exhaust the server's memory. Over the cap: 429 at once, no queueing.
/// </summary>
public sealed class UserWorkGate(IOptions<SecurityOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);

    public IDisposable EnterUpload(string owner) =>
        Enter("upload:" + owner, options.Value.MaxConcurrentUploadsPerUser, "document uploads");

    public IDisposable EnterImport(string owner) =>
        Enter("import:" + owner, options.Value.MaxConcurrentImportsPerUser, "imports");

    private Lease Enter(string key, int max, string what)
    {
        var admitted = false;
        _running.AddOrUpdate(key, _ => { admitted = true; return 1; }, (_, count) =>
        {
            admitted = count < max;
            return admitted ? count + 1 : count;
        });
        if (!admitted)
            throw new LimitExceededException(ErrorCodes.TooManyUploads,
                $"You already have {max} {what} in progress; wait for one to finish (Parley:Security limits them per user).", TimeSpan.FromSeconds(2));
        return new Lease(this, key);
    }

    private void Leave(string key)
    {
        while (true)
        {
            if (!_running.TryGetValue(key, out var count))
                return;
            if (count <= 1)
            {
                if (_running.TryRemove(new KeyValuePair<string, int>(key, count)))
                    return;
            }
            else if (_running.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class Lease(UserWorkGate gate, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gate.Leave(key);
        }
    }
}

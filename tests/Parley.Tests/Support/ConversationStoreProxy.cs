using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Parley.Storage;

namespace Parley.Tests.Support;

/// <summary>
/// A test's <see cref="IConversationStore"/> around a real one: every call goes to <see cref="Inner"/> except those a test
/// replaces, so the interface can grow without each test wrapper growing with it. A wrapper whose calls must reach the
/// interface's default implementations on itself (so that they call back into its own replaced members) cannot be a
/// proxy: this one sends every call, defaults included, straight to the real store.
/// </summary>
public class ConversationStoreProxy : DispatchProxy
{
    private readonly ConcurrentDictionary<string, Func<object?[], object?>> _replaced = new(StringComparer.Ordinal);

    public IConversationStore Inner { get; private set; } = null!;

    /// <summary>This proxy as the store it stands in for.</summary>
    public IConversationStore Store => (IConversationStore)(object)this;

    public static ConversationStoreProxy Wrap(IConversationStore inner)
    {
        var proxy = (ConversationStoreProxy)(object)Create<IConversationStore, ConversationStoreProxy>();
        proxy.Inner = inner;
        return proxy;
    }

    /// <summary>Answers calls of <paramref name="method"/> (by name) with <paramref name="call"/>, given the call's arguments.</summary>
    public void Replace(string method, Func<object?[], object?> call) => _replaced[method] = call;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (_replaced.TryGetValue(targetMethod.Name, out var call))
            return call(args ?? []);
        try
        {
            return targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}

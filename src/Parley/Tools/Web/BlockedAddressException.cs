namespace Parley.Tools;

/// <summary>A tool tried to reach a host whose addresses the <see cref="AddressPolicy"/> does not permit.</summary>
public sealed class BlockedAddressException(string host, string reason)
    : Exception($"{host} resolves to a {reason} address, which tools may not contact.")
{
    public string Host { get; } = host;

    public string Reason { get; } = reason;
}

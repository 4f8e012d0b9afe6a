using Microsoft.Extensions.Options;

namespace Parley.WebSecurity;

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RemoteImages is not (RemoteImageModes.Off or RemoteImageModes.Click or RemoteImageModes.On))
            return ValidateOptionsResult.Fail($"Parley:Security:RemoteImages must be 'off', 'click' or 'on', not '{options.RemoteImages}'.");
        foreach (var proxy in options.TrustedProxies)
        {
            if (!ProxyNetworks.TryParse(proxy, out _))
                return ValidateOptionsResult.Fail($"Parley:Security:TrustedProxies: '{proxy}' is not an IP address or a network such as 10.0.0.0/8.");
        }
        foreach (var host in options.AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal) || host.Contains(' ', StringComparison.Ordinal))
                return ValidateOptionsResult.Fail($"Parley:Security:AllowedHosts: '{host}' is not a host name (write 'chat.example.com', '*.example.com' or '*').");
        }
        if (options.MaxConcurrentUploadsPerUser < 1 || options.MaxConcurrentImportsPerUser < 1)
            return ValidateOptionsResult.Fail("Parley:Security:MaxConcurrentUploadsPerUser and MaxConcurrentImportsPerUser must be 1 or more.");
        return ValidateOptionsResult.Success;
    }
}

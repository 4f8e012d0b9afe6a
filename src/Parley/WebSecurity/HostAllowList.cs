using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Identity;

namespace Parley.WebSecurity;

/// <summary>
/// Answers only requests whose <c>Host</c> is an allowed name (see <see cref="SecurityOptions.AllowedHosts"/>): a page on
/// <c>rebind.attacker.example</c> whose name was re-pointed at 127.0.0.1 sends its own name and is refused.
/// </summary>
public sealed class HostAllowList(IOptions<SecurityOptions> security, IOptions<AuthOptions> auth)
{
    private static readonly string[] LoopbackNames = ["localhost", "*.localhost", "127.0.0.1", "[::1]", "::1"];

    private readonly string[] _allowed = Allowed(security.Value, auth.Value);

    public IReadOnlyList<string> AllowedHosts => _allowed;

    public bool Allows(HostString host)
    {
        if (_allowed.Contains("*"))
            return true;
        var name = host.Host;
        if (string.IsNullOrEmpty(name))
            return false;
        foreach (var pattern in _allowed)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? name.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && name.Length > pattern.Length - 1
                : string.Equals(name, pattern, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Allows(context.Request.Host))
        {
            await next(context);
            return;
        }
        var shown = context.Request.Host.Host.Length > 100 ? context.Request.Host.Host[..100] + "…" : context.Request.Host.Host;
        await ParleyAuthentication.WriteErrorAsync(context, ErrorCodes.HostNotAllowed, 400,
            $"This server does not answer to the host name '{shown}'. Add it to Parley:Security:AllowedHosts if it is this server's name.");
    }

    private static string[] Allowed(SecurityOptions security, AuthOptions auth)
    {
        var configured = security.AllowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0).ToArray();
        if (configured.Length > 0)
            return [.. configured, .. LoopbackNames];
        return auth.IsAccounts ? ["*"] : LoopbackNames;
    }
}

namespace Parley.WebSecurity;

/// <summary>
/// Section <c>Parley:Security</c>: the browser boundary (which host names are served, where remote images may load
/// from), which proxies are trusted, and per-user caps on expensive work.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Parley:Security";

    /// <summary>
    /// Host names (without port) this server answers to; <c>*.example.com</c> matches subdomains, <c>*</c> any host.
    /// Empty: only loopback names (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) in single-user mode, any host in accounts
    /// mode. Other hosts get 400, which stops DNS-rebinding pages from reaching a local Parley.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of reverse proxies whose <c>X-Forwarded-For</c>,
    /// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are believed; from anyone else those headers are ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// Single-user mode refuses requests that came through a reverse proxy (they carry forwarding headers), because
    /// every visitor of the proxy would be the local administrator. True lets them in: only when the proxy itself
    /// authenticates its visitors.
    /// </summary>
    public bool AllowProxiedSingleUser { get; set; }

    /// <summary>
    /// Images from other sites in replies: <c>off</c> (default: never loaded, a placeholder links to them),
    /// <c>click</c> (a placeholder loads the image when clicked) or <c>on</c> (loaded as the reply renders, which lets a
    /// model steered by a document or web page send data to any server). Sets the Content-Security-Policy's <c>img-src</c>.
    /// </summary>
    public string RemoteImages { get; set; } = RemoteImageModes.Off;

    /// <summary>Document uploads one user may have in progress at once (further ones get 429).</summary>
    public int MaxConcurrentUploadsPerUser { get; set; } = 2;

    /// <summary>Imports one user may have in progress at once (further ones get 429).</summary>
    public int MaxConcurrentImportsPerUser { get; set; } = 1;
}

namespace Parley.WebSecurity;

/// <summary>The values of <see cref="SecurityOptions.RemoteImages"/>.</summary>
public static class RemoteImageModes
{
    public const string Off = "off";
    public const string Click = "click";
    public const string On = "on";
}

using System.Globalization;

namespace Parley.Tools;

/// <summary>The <c>current_time</c> tool: the date and time now, in UTC or an IANA time zone.</summary>
public sealed class CurrentTime(TimeProvider clock)
{
    public const string ToolName = "current_time";

    public const string Description =
        "Returns the current date and time. Optionally pass an IANA time zone such as \"Europe/Paris\" or \"America/New_York\"; the default is UTC.";

    /// <summary>The time as text.</summary>
    /// <exception cref="ToolException">The zone is not a known IANA time zone.</exception>
    public string Now(string? timezone = null)
    {
        var zoneId = string.IsNullOrWhiteSpace(timezone) ? "UTC" : timezone.Trim();
        TimeZoneInfo zone;
        try
        {
            zone = zoneId.Equals("UTC", StringComparison.OrdinalIgnoreCase) || zoneId.Equals("Z", StringComparison.OrdinalIgnoreCase)
                ? TimeZoneInfo.Utc
                : TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new ToolException($"\"{(zoneId.Length > 64 ? zoneId[..64] : zoneId)}\" is not a known IANA time zone; use a name such as Europe/Berlin, Asia/Tokyo or UTC.", ex);
        }

        var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        var name = zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;
        return string.Create(CultureInfo.InvariantCulture,
            $"{now:yyyy-MM-dd'T'HH:mm:sszzz} ({now:dddd, d MMMM yyyy, HH:mm}, {name})");
    }
}

using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using Parley.Providers.Mock;
using Parley.Tools;

namespace Parley.Configuration;

/// <summary>
/// Renders docs/configuration.md from the options classes themselves (keys, types, defaults, the
/// seed variable that sets each, and the XML doc summary), so the reference cannot drift from the code.
/// </summary>
public static class ConfigurationReference
{
    /// <summary>Every options class Parley binds, with its section.</summary>
    public static IReadOnlyList<(string Section, Type Type)> Sections { get; } =
    [
        (ParleyOptions.Section, typeof(ParleyOptions)),
        (ToolsOptions.Section, typeof(ToolsOptions)),
        (Bots.BotsOptions.Section, typeof(Bots.BotsOptions)),
        (Kafka.KafkaOptions.Section, typeof(Kafka.KafkaOptions)),
        (Limits.UserLimitOptions.Section, typeof(Limits.UserLimitOptions)),
        (Resilience.ResilienceOptions.Section, typeof(Resilience.ResilienceOptions)),
        (Caching.CacheOptions.Section, typeof(Caching.CacheOptions)),
        (Usage.UsageOptions.Section, typeof(Usage.UsageOptions)),
        (Identity.AuthOptions.Section, typeof(Identity.AuthOptions)),
        (Redis.RedisOptions.Section, typeof(Redis.RedisOptions)),
        (Storage.StorageOptions.Section, typeof(Storage.StorageOptions)),
        (Replies.ReplyOptions.Section, typeof(Replies.ReplyOptions)),
        (Compression.ContextCompressionOptions.Section, typeof(Compression.ContextCompressionOptions)),
        (Conversations.TitleOptions.Section, typeof(Conversations.TitleOptions)),
        (Observability.TelemetryOptions.Section, typeof(Observability.TelemetryOptions)),
        (Portability.ImportOptions.Section, typeof(Portability.ImportOptions)),
        (Storage.Postgres.DatabaseOptions.Section, typeof(Storage.Postgres.DatabaseOptions)),
        (Documents.DocumentOptions.Section, typeof(Documents.DocumentOptions)),
        (Audit.AuditOptions.Section, typeof(Audit.AuditOptions)),
        (Retention.RetentionOptions.Section, typeof(Retention.RetentionOptions)),
        (Privacy.ContentLoggingOptions.Section, typeof(Privacy.ContentLoggingOptions)),
        (WebSecurity.SecurityOptions.Section, typeof(WebSecurity.SecurityOptions)),
        (MockOptions.Section, typeof(MockOptions)),
    ];

    public static string Render(IEnumerable<(string Section, Type Type)>? sections = null)
    {
        var docs = LoadDocs();
        var seeds = SeedEnvironment.DirectKeys.GroupBy(p => p.Value, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => $"`{p.Key}`")), StringComparer.OrdinalIgnoreCase);
        var text = new StringBuilder();
        text.AppendLine("# Configuration reference");
        text.AppendLine();
        text.AppendLine("Generated from Parley's options classes by `ConfigurationReference` (a test fails when this file is stale;");
        text.AppendLine("regenerate with `PARLEY_UPDATE_DOCS=1 dotnet test tests/Parley.Tests --filter ConfigurationReference`).");
        text.AppendLine("Set any key in `appsettings.json`, as an environment variable (`:` becomes `__`), or in `.env`.");
        text.AppendLine("Seed variables (the names the original services used) win over appsettings. `HOST` and `PORT` set the listen URL.");
        text.AppendLine();
        text.AppendLine("## Seed variables");
        text.AppendLine();
        text.AppendLine("| variable | sets |");
        text.AppendLine("|---|---|");
        foreach (var (variable, key) in SeedEnvironment.DirectKeys.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{variable}` | `{key}` |");
        foreach (var (variable, meaning) in SeedEnvironment.CompositeVariables)
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{variable}` | {meaning} |");
        foreach (var (section, type) in sections ?? Sections)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## `{section}`");
            text.AppendLine();
            if (Summary(docs, $"T:{type.FullName}") is { Length: > 0 } about)
                text.AppendLine(about).AppendLine();
            text.AppendLine("| key | environment variable | type | default | seed name | meaning |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var row in Rows(section, type, Activator.CreateInstance(type), docs, depth: 0))
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{row.Key}` | `{row.Key.Replace(":", "__", StringComparison.Ordinal)}` | {row.Type} | {row.Default} | {seeds.GetValueOrDefault(row.Key, "")} | {row.Meaning} |");
        }
        return text.ToString();
    }

    private sealed record Row(string Key, string Type, string Default, string Meaning);

    private static IEnumerable<Row> Rows(string prefix, Type type, object? instance, XDocument? docs, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var meaning = Summary(docs, $"P:{property.DeclaringType!.FullName}.{property.Name}");
            var value = instance is null ? null : property.GetValue(instance);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;

            if (IsScalar(propertyType))
            {
                yield return new Row(key, TypeName(propertyType), Format(value), meaning);
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                if (ListItemType(valueType) is { } listItem && IsScalar(listItem))
                {
                    yield return new Row($"{key}:{{name}}:{{index}}", $"list of {TypeName(listItem)}", Format(value), meaning);
                    continue;
                }
                if (IsScalar(valueType) || depth > 3)
                {
                    yield return new Row($"{key}:{{name}}", TypeName(valueType), Format(value), meaning);
                    continue;
                }
                yield return new Row($"{key}:{{name}}", "section", "", meaning);
                foreach (var row in Rows($"{key}:{{name}}", valueType, Activator.CreateInstance(valueType), docs, depth + 1))
                    yield return row;
            }
            else if (ListItemType(propertyType) is { } itemType)
            {
                if (IsScalar(itemType) || depth > 3)
                {
                    yield return new Row($"{key}:{{index}}", $"list of {TypeName(itemType)}", Format(value), meaning);
                    continue;
                }
                yield return new Row($"{key}:{{index}}", "list", "", meaning);
                foreach (var row in Rows($"{key}:{{index}}", itemType, Activator.CreateInstance(itemType), docs, depth + 1))
                    yield return row;
            }
            else if (depth <= 3)
            {
                foreach (var row in Rows(key, propertyType, value ?? Activator.CreateInstance(propertyType), docs, depth + 1))
                    yield return row;
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static string TypeName(Type type) => type switch
    {
        _ when type == typeof(string) => "string",
        _ when type == typeof(int) || type == typeof(long) => "integer",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "number",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(TimeSpan) => "duration (hh:mm:ss)",
        _ => type.Name,
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s.Length == 0 ? "" : $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        IDictionary { Count: 0 } or ICollection { Count: 0 } => "",
        IDictionary d => string.Join("<br>", d.Keys.Cast<object>().Select(k => $"`{k}`")),
        IEnumerable e => string.Join(", ", e.Cast<object>().Select(Format)),
        _ => "",
    };

    private static string Summary(XDocument? docs, string member)
    {
        var summary = docs?.Root?.Element("members")?.Elements("member").FirstOrDefault(m => (string?)m.Attribute("name") == member)?.Element("summary");
        if (summary is null)
            return "";
        var text = string.Concat(summary.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
            XElement { Name.LocalName: "see" } see => Short((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? ""),
            XElement e => e.Value,
            _ => "",
        }));
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal);
    }

    private static string Short(string cref) => $"`{cref[(cref.LastIndexOf('.') + 1)..]}`";

    private static XDocument? LoadDocs()
    {
        var path = Path.ChangeExtension(typeof(ConfigurationReference).Assembly.Location, ".xml");
        return File.Exists(path) ? XDocument.Load(path) : null;
    }
}

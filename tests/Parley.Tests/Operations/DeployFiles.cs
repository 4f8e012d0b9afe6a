using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Parley.Tests.Operations;

/// <summary>The repository's deployment files, parsed: Dockerfile instructions, compose.yaml, the Kubernetes objects.</summary>
internal static partial class DeployFiles
{
    public static readonly string Root = ConfigurationReferenceTests.RepositoryRoot();

    public static string KubernetesFolder => Path.Combine(Root, "deploy", "kubernetes");

    /// <summary>The Dockerfile's instructions (continuation lines joined), each with the stage it belongs to.</summary>
    public static IReadOnlyList<DockerInstruction> Dockerfile()
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, "Dockerfile")))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
                continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            line = pending + line;
            pending = "";
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = line[..space].ToUpperInvariant();
            if (keyword == "FROM")
                stage++;
            instructions.Add(new DockerInstruction(stage, keyword, line[(space + 1)..].Trim()));
        }
        return instructions;
    }

    /// <summary>The last stage: what the image runs.</summary>
    public static IReadOnlyList<DockerInstruction> RuntimeStage()
    {
        var all = Dockerfile();
        var last = all.Max(i => i.Stage);
        return [.. all.Where(i => i.Stage == last)];
    }

    /// <summary><c>ENV A=1 B=2</c> (and the legacy <c>ENV A 1</c>) as name → value.</summary>
    public static Dictionary<string, string> DockerEnvironment(IEnumerable<DockerInstruction> instructions)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in instructions.Where(i => i.Keyword == "ENV"))
        {
            if (!env.Arguments.Contains('=', StringComparison.Ordinal))
            {
                var parts = env.Arguments.Split(' ', 2);
                values[parts[0]] = parts[1].Trim();
                continue;
            }
            foreach (Match pair in EnvPair().Matches(env.Arguments))
                values[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
        }
        return values;
    }

    public static Dictionary<object, object> Compose() => (Dictionary<object, object>)ReadYaml(Path.Combine(Root, "compose.yaml")).Single();

    /// <summary>Compose services built from this repository (Parley itself, not PostgreSQL, Redis or Kafka).</summary>
    public static Dictionary<string, Dictionary<object, object>> ComposeParleyServices() =>
        Map(Compose()["services"]).Where(s => Map(s.Value).ContainsKey("build"))
            .ToDictionary(s => (string)s.Key, s => Map(s.Value));

    /// <summary>A compose <c>environment</c> (a map, or a list of NAME=value).</summary>
    public static Dictionary<string, string> ComposeEnvironment(Dictionary<object, object> service)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (service.GetValueOrDefault("environment"))
        {
            case Dictionary<object, object> map:
                foreach (var (key, value) in map)
                    values[(string)key] = value as string ?? "";
                break;
            case List<object> list:
                foreach (var item in list.Cast<string>())
                {
                    var parts = item.Split('=', 2);
                    values[parts[0]] = parts.Length == 2 ? parts[1] : "";
                }
                break;
        }
        return values;
    }

    /// <summary>Every object in the files kustomization.yaml lists.</summary>
    public static IReadOnlyList<Dictionary<object, object>> KubernetesObjects() =>
        [.. KustomizationResources().SelectMany(file => ReadYaml(Path.Combine(KubernetesFolder, file))).Select(Map)];

    public static IReadOnlyList<string> KustomizationResources() =>
        [.. List(Map(ReadYaml(Path.Combine(KubernetesFolder, "kustomization.yaml")).Single())["resources"]).Cast<string>()];

    public static Dictionary<object, object> KubernetesObject(string kind, string name) =>
        KubernetesObjects().Single(o => (string)o["kind"] == kind && (string)Map(o["metadata"])["name"] == name);

    public static IEnumerable<Dictionary<object, object>> Containers(Dictionary<object, object> deployment) =>
        List(At(deployment, "spec", "template", "spec", "containers")).Select(Map);

    public static object At(Dictionary<object, object> node, params string[] keys)
    {
        object current = node;
        foreach (var key in keys)
            current = Map(current).TryGetValue(key, out var next) ? next : throw new KeyNotFoundException($"'{key}' is missing ({string.Join('.', keys)})");
        return current;
    }

    public static Dictionary<object, object> Map(object? node) =>
        node as Dictionary<object, object> ?? throw new InvalidDataException($"Expected a YAML mapping, found {node?.GetType().Name ?? "nothing"}.");

    public static List<object> List(object? node) =>
        node as List<object> ?? throw new InvalidDataException($"Expected a YAML sequence, found {node?.GetType().Name ?? "nothing"}.");

    /// <summary>Every document of a YAML file, with merge keys (<c>&lt;&lt;: *anchor</c>) applied.</summary>
    public static IReadOnlyList<object> ReadYaml(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<object>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
            documents.Add(deserializer.Deserialize<object>(parser) ?? throw new InvalidDataException($"{path} has an empty document."));
        return documents;
    }

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)""")]
    private static partial Regex EnvPair();
}

internal sealed record DockerInstruction(int Stage, string Keyword, string Arguments);

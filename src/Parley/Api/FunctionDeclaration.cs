using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Api;

/// <summary>A client's function tool: name, description, schema and, when the client set it, <c>strict</c>.</summary>
public sealed class FunctionDeclaration : AIFunctionDeclaration
{
    private readonly IReadOnlyDictionary<string, object?> _properties;

    public FunctionDeclaration(string name, string description, JsonElement schema, bool? strict)
    {
        Name = name;
        Description = description;
        JsonSchema = schema;
        Strict = strict;
        _properties = strict is { } value
            ? new Dictionary<string, object?> { [FunctionTools.StrictKey] = value }
            : System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty;
    }

    public override string Name { get; }

    public override string Description { get; }

    public override JsonElement JsonSchema { get; }

    public bool? Strict { get; }

    public override IReadOnlyDictionary<string, object?> AdditionalProperties => _properties;
}

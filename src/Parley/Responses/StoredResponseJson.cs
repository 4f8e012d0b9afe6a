using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Parley.Responses;

/// <summary>A stored response's JSON columns, as both stores keep them; <see cref="Bytes"/> is what the size cap counts.</summary>
internal sealed record StoredResponseJson(string Response, string InputItems, string History)
{
    public long Bytes => Encoding.UTF8.GetByteCount(Response) + (long)Encoding.UTF8.GetByteCount(InputItems) + Encoding.UTF8.GetByteCount(History);

    /// <summary>The columns of <paramref name="response"/>, or null when they pass <see cref="StoredResponse.MaxBytes"/> or hold content with no JSON form.</summary>
    public static StoredResponseJson? Of(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            var json = new StoredResponseJson(
                response.Response.ToJsonString(), response.InputItems.ToJsonString(),
                JsonSerializer.Serialize(response.History.ToList(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(List<ChatMessage>))));
            return json.Bytes <= StoredResponse.MaxBytes ? json : null;
        }
        catch (NotSupportedException)
        {
            return null; // an AIContent type outside Microsoft.Extensions.AI's own has no serialized form
        }
    }

    public StoredResponse ToStored(string id, string owner, string modelId, DateTimeOffset at, string? relayedBy) =>
        new(id, owner, (JsonObject)JsonNode.Parse(Response)!, (JsonArray)JsonNode.Parse(InputItems)!,
            (List<ChatMessage>)JsonSerializer.Deserialize(History, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(List<ChatMessage>)))!,
            modelId, at, relayedBy);
}

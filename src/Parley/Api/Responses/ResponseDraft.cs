using System.Text.Json.Nodes;

namespace Parley.Api.Responses;

/// <summary>The <c>response</c> object as it grows: identity, status, output items and usage, plus the request's echoed settings.</summary>
internal sealed class ResponseDraft(string id, long createdAt, string model, JsonObject echo)
{
    public string Id { get; } = id;

    public string Model { get; set; } = model;

    public string Status { get; set; } = "in_progress";

    public JsonArray Output { get; } = [];

    public JsonObject? Error { get; set; }

    /// <summary><c>max_output_tokens</c> or <c>content_filter</c> when the status is <c>incomplete</c>.</summary>
    public string? Incomplete { get; set; }

    public JsonObject? Usage { get; set; }

    public JsonObject ToJson()
    {
        var response = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "response",
            ["created_at"] = createdAt,
            ["status"] = Status,
            ["background"] = false,
            ["error"] = Error?.DeepClone(),
            ["incomplete_details"] = Incomplete is null ? null : new JsonObject { ["reason"] = Incomplete },
            ["model"] = Model,
            ["output"] = Output.DeepClone(),
            ["service_tier"] = "default",
            ["top_logprobs"] = 0,
            ["usage"] = Usage?.DeepClone(),
        };
        foreach (var (key, value) in echo)
            response[key] = value?.DeepClone();
        return response;
    }
}

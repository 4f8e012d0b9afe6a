using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Usage;

namespace Parley.Api.OpenAI;

/// <summary>OpenAI's <c>usage</c> object for chat and text completions, with cached and reasoning tokens when the provider counted them.</summary>
internal static class OpenAIUsageJson
{
    public static void Write(Utf8JsonWriter w, UsageDetails usage)
    {
        w.WriteNumber("prompt_tokens", usage.Input());
        w.WriteNumber("completion_tokens", usage.Output());
        w.WriteNumber("total_tokens", usage.Total());
        if (usage.CachedInputTokenCount is { } cached)
        {
            w.WriteStartObject("prompt_tokens_details");
            w.WriteNumber("cached_tokens", cached);
            w.WriteEndObject();
        }

        if (usage.ReasoningTokenCount is { } reasoning)
        {
            w.WriteStartObject("completion_tokens_details");
            w.WriteNumber("reasoning_tokens", reasoning);
            w.WriteEndObject();
        }
    }

    public static JsonObject ToJson(UsageDetails usage)
    {
        var json = new JsonObject { ["prompt_tokens"] = usage.Input(), ["completion_tokens"] = usage.Output(), ["total_tokens"] = usage.Total() };
        if (usage.CachedInputTokenCount is { } cached)
            json["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        if (usage.ReasoningTokenCount is { } reasoning)
            json["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning };
        return json;
    }
}

namespace Parley.Tests.Gateway;

/// <summary>Request and reply bodies holding every field of OpenAI's chat completions API that Parley does not act on.</summary>
internal static class WireSamples
{
    public const string EveryRequestField =
        """{"model":"openai/gpt-4o-mini","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}},{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}],"logprobs":true,"top_logprobs":2,"n":1,"parallel_tool_calls":false,"reasoning_effort":"low","seed":7,"store":true,"user":"u-42","metadata":{"team":"a"},"service_tier":"flex","logit_bias":{"50256":-100},"prediction":{"type":"content","content":"Hi"},"modalities":["text"],"verbosity":"low","response_format":{"type":"json_schema","json_schema":{"name":"r","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}},"tools":[{"type":"function","function":{"name":"f","description":"d","strict":true,"parameters":{"type":"object","properties":{},"additionalProperties":false}}},{"type":"custom","custom":{"name":"grammar"}}],"tool_choice":"auto","some_future_field":{"x":[1,2.50,"é"]}}""";

    public const string EveryResponseField =
        """{"id":"chatcmpl-up1","object":"chat.completion","created":1763000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_abc","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there","refusal":null,"annotations":[{"type":"url_citation","url_citation":{"url":"https://example.com","title":"Example","start_index":0,"end_index":2}}],"reasoning_content":"thought"},"logprobs":{"content":[{"token":"Hi","logprob":-0.1,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.1,"bytes":[72,105]}]}],"refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""";

    private const string Head = "\"id\":\"chatcmpl-up2\",\"object\":\"chat.completion.chunk\",\"created\":1763000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_abc\"";

    /// <summary>A stream with logprobs, reasoning, refusal and annotations, a usage chunk (when <paramref name="usage"/>) and [DONE].</summary>
    public static string[] EveryChunkField(bool usage = true)
    {
        var tail = usage ? ",\"usage\":null}" : "}";
        List<string> chunks =
        [
            "{" + Head + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]" + tail,
            "{" + Head + ",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"thinking\"},\"logprobs\":null,\"finish_reason\":null}]" + tail,
            "{" + Head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1,\"bytes\":[72,105],\"top_logprobs\":[]}],\"refusal\":null},\"finish_reason\":null}]" + tail,
            "{" + Head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\",\"annotations\":[{\"type\":\"url_citation\",\"url_citation\":{\"url\":\"https://example.com\",\"title\":\"E\",\"start_index\":0,\"end_index\":2}}]},\"logprobs\":{\"content\":[{\"token\":\" there\",\"logprob\":-0.2,\"bytes\":[32],\"top_logprobs\":[]}],\"refusal\":null},\"finish_reason\":null}]" + tail,
            "{" + Head + ",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + tail,
        ];
        if (usage)
            chunks.Add("{" + Head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17,\"prompt_tokens_details\":{\"cached_tokens\":8},\"completion_tokens_details\":{\"reasoning_tokens\":3}}}");
        chunks.Add("[DONE]");
        return [.. chunks];
    }

    public static string TextChunk(string text, int choice = 0, string? finish = null) =>
        "{" + Head + ",\"choices\":[{\"index\":" + choice + ",\"delta\":{\"content\":\"" + text + "\"},\"logprobs\":null,\"finish_reason\":"
        + (finish is null ? "null" : "\"" + finish + "\"") + "}]}";

    public static string UsageChunk(int prompt, int completion) =>
        "{" + Head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";

    /// <summary>A minimal non-streamed completion whose reply is <paramref name="text"/>.</summary>
    public static string Completion(string text) =>
        "{\"id\":\"chatcmpl-up3\",\"object\":\"chat.completion\",\"created\":1763000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
}

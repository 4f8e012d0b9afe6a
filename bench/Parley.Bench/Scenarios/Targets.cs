using System.Text;
using Parley.Bench.Load;
using Parley.Bench.Upstream;

namespace Parley.Bench.Scenarios;

/// <summary>Something a chat completion can be sent to: the fake upstream itself, Parley, or a peer gateway.</summary>
public sealed class Target(string name, Func<string, bool, BenchRequest> chatRequest)
{
    public const string Direct = "direct";
    public const string Parley = "parley";
    public const string Portkey = "portkey";

    private readonly Dictionary<(string, bool), BenchRequest> _requests = [];

    public string Name { get; } = name;

    /// <summary>A <c>/v1/chat/completions</c> request for an upstream profile, built once and reused.</summary>
    public BenchRequest Chat(string profile, bool stream)
    {
        lock (_requests)
        {
            if (!_requests.TryGetValue((profile, stream), out var request))
                _requests[(profile, stream)] = request = chatRequest(profile, stream);
            return request;
        }
    }

    public static Target ToUpstream(FakeUpstream upstream) =>
        new(Direct, (profile, stream) => new BenchRequest(new Uri(upstream.BaseUrl(profile) + "/chat/completions"), Body("m", stream), stream));

    /// <summary>Parley has one provider per upstream profile, so the model is <c>{profile}/m</c>.</summary>
    public static Target ToParley(Uri parley) =>
        new(Parley, (profile, stream) => new BenchRequest(new Uri(parley, "/v1/chat/completions"), Body($"{profile}/m", stream), stream));

    /// <summary>Portkey's gateway picks the upstream from headers: provider <c>openai</c> at a custom host.</summary>
    public static Target ToPortkey(Uri portkey, FakeUpstream upstream) =>
        new(Portkey, (profile, stream) => new BenchRequest(new Uri(portkey, "/v1/chat/completions"), Body("m", stream), stream,
        [
            new("x-portkey-provider", "openai"),
            new("x-portkey-custom-host", upstream.BaseUrl(profile)),
            new("Authorization", "Bearer x"),
        ]));

    public static byte[] Body(string model, bool stream) => Encoding.UTF8.GetBytes(
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"}," +
        "{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}]" + (stream ? ",\"stream\":true}" : "}"));
}

using System.Text;
using Parley.Providers.OpenAI;

namespace Parley.Tests.Providers.OpenAI;

public sealed class FinishReasonNormalizerTests
{
    [Theory]
    [InlineData("{\"finish_reason\":\"stop\"}", false)]
    [InlineData("{\"finish_reason\": null}", false)]
    [InlineData("{\"finish_reason\" : \"tool_calls\"}", false)]
    [InlineData("{\"finish_reason\":\"eos_token\"}", true)]
    [InlineData("{\"a\":{\"finish_reason\":\"length\"},\"b\":{\"finish_reason\":\"abort\"}}", true)]
    [InlineData("{\"content\":\"no reason here\"}", false)]
    public void Only_unknown_reasons_need_rewriting(string json, bool unknown)
    {
        Assert.Equal(unknown, FinishReasonNormalizer.HasUnknownFinishReason(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(unknown, FinishReasonNormalizer.Normalize(json) != json);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Errors;
using Parley.Providers;
using Parley.Tools;
using Parley.Usage;

namespace Parley.Tests.Chat;

/// <summary>VISION_MODEL routing and per-request tool switches, as <see cref="TurnFactory"/> applies them for every surface.</summary>
public sealed class VisionRoutingTests : IDisposable
{
    private readonly ToolCatalog _tools = new(Options.Create(new ToolsOptions()));

    public void Dispose() => _tools.Dispose();

    private TurnFactory Turns(string? visionModel) => new(
        new ModelCatalog(Options.Create(Parley(visionModel))), _tools, Options.Create(Parley(visionModel)));

    // mock/echo is blind here; mock/markdown can see.
    private static ParleyOptions Parley(string? visionModel) => new()
    {
        VisionModel = visionModel,
        Providers = { ["mock"] = new ProviderOptions { Kind = ProviderKinds.Mock, VisionModels = ["markdown"] } },
    };

    private static ChatMessage WithImage(string text) => new(ChatRole.User, [new TextContent(text), new DataContent(new byte[] { 1 }, "image/png")]);

    [Fact]
    public void Turns_without_images_keep_the_chosen_model()
    {
        var turns = Turns("mock/markdown");
        Assert.Equal("mock/echo", turns.ResolveModel("mock/echo", Caller.Unknown).Id);
        Assert.Equal("mock/echo", turns.Create(turns.ResolveModel("mock/echo", Caller.Unknown), Caller.Unknown, null, [new(ChatRole.User, "hi")], new TurnSettings()).Model.Id);
    }

    [Fact]
    public void Images_for_a_blind_model_go_to_the_vision_model()
    {
        var turns = Turns("mock/markdown");
        Assert.Equal("mock/markdown", turns.ResolveModel("mock/echo", Caller.Unknown, hasImages: true).Id);

        // Create routes too (an image earlier in the history counts), so a surface that forgets cannot send images to a blind model.
        var turn = turns.Create(new ModelCatalog(Options.Create(Parley(null))).Resolve("mock/echo"), Caller.Unknown, null,
            [WithImage("what is it"), new(ChatRole.Assistant, "a cat"), new(ChatRole.User, "sure?")], new TurnSettings());
        Assert.Equal("mock/markdown", turn.Model.Id);
    }

    [Fact]
    public void A_model_that_can_see_is_never_rerouted()
    {
        var turns = Turns("mock/echo");
        Assert.Equal("mock/markdown", turns.ResolveModel("mock/markdown", Caller.Unknown, hasImages: true).Id);
    }

    [Fact]
    public void Without_a_vision_model_images_for_a_blind_model_are_refused()
    {
        var refused = Assert.Throws<ParleyException>(() => Turns(null).ResolveModel("mock/echo", Caller.Unknown, hasImages: true));
        Assert.Equal(ErrorCodes.InvalidImage, refused.Code);
        Assert.Equal(400, refused.Status);
        Assert.Contains("cannot read images", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ParleyException>(() => Turns(null).Create(Turns(null).ResolveModel("mock/echo", Caller.Unknown), Caller.Unknown, null, [WithImage("x")], new TurnSettings()));
    }

    [Fact]
    public void A_vision_model_that_is_not_configured_is_reported_as_a_setting_problem()
    {
        var refused = Assert.Throws<ParleyException>(() => Turns("ghost/model").ResolveModel("mock/echo", Caller.Unknown, hasImages: true));
        Assert.Equal(ErrorCodes.ModelNotFound, refused.Code);
        Assert.Contains("VISION_MODEL", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_switches_choose_the_offered_tools()
    {
        var turns = Turns(null);
        var model = turns.ResolveModel(null, Caller.Unknown);
        List<ChatMessage> history = [new(ChatRole.User, "hi")];

        Assert.Equal(["read_web_page", "current_time", "calculator"], turns.Create(model, Caller.Unknown, null, history, new TurnSettings()).Options.Tools!.Select(t => t.Name));
        Assert.Equal(["calculator"], turns.Create(model, Caller.Unknown, null, history, new TurnSettings(Tools: ["calculator"])).Options.Tools!.Select(t => t.Name));
        Assert.Null(turns.Create(model, Caller.Unknown, null, history, new TurnSettings(Tools: [])).Options.Tools);
    }
}

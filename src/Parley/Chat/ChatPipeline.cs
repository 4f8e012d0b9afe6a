using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Tools;

namespace Parley.Chat;

/// <summary>
/// The one method that orders Parley's middleware around every provider (first is outermost).
/// Later layers (limits, cache, usage, retry/fallback) join here, in the order architecture.md gives.
/// </summary>
public static class ChatPipeline
{
    public static ChatPipelineBuilder Create(IServiceProvider services)
    {
        var tools = services.GetRequiredService<IOptions<ToolsOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        return new ChatPipelineBuilder()
            .Use(inner => new ToolInvokingChatClient(inner, tools.Loop, loggers.CreateLogger<ToolInvokingChatClient>()));
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley.Tools;

public static class ToolInvocationChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="ParleyFunctionInvokingChatClient"/>: Parley's tools run between model rounds, client tools pass through.</summary>
    public static ChatClientBuilder UseParleyTools(this ChatClientBuilder builder, ToolLoopOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(loggers);
        return builder.Use(inner => new ParleyFunctionInvokingChatClient(inner, options, loggers.CreateLogger<ParleyFunctionInvokingChatClient>()));
    }
}

namespace Parley.Tools;

/// <summary>
/// A tool failed with a message the model and the user may read. <see cref="ParleyFunctionInvokingChatClient"/>
/// turns every other failure into one of these with a message that hides the details (they are logged).
/// </summary>
public sealed class ToolException(string message, Exception? inner = null) : Exception(message, inner);

namespace Parley.Tools;

/// <summary>
/// A tool failed in a way the model should hear about: <see cref="ToolInvokingChatClient"/> feeds the message back
/// as <c>Error: ...</c>. Other exceptions are logged and reported to the model without their details.
/// </summary>
public sealed class ToolException(string message, Exception? inner = null) : Exception(message, inner);

namespace Parley.Errors;

/// <summary>
/// A failure with a stable <see cref="Code"/>, the HTTP status a surface should answer with,
/// and a sentence a person can act on. The message never contains secrets or stack traces.
/// </summary>
public class ParleyException(string code, int status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

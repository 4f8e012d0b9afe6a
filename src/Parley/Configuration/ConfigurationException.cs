namespace Parley.Configuration;

/// <summary>A setting that cannot be used as given; its message names the setting and says what to change.</summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

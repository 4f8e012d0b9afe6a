namespace Parley.Providers.Llama;

/// <summary>A <c>models pull</c> that failed, with a sentence for the person who ran it.</summary>
public sealed class ModelPullException(string message) : Exception(message);

using System.Security.Cryptography;

namespace Parley.Conversations;

/// <summary>Short, unguessable, URL-safe identifiers with a type prefix (c_, m_, i_).</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix)
    {
        Span<char> chars = stackalloc char[20];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return $"{prefix}_{chars}";
    }
}

using System.Text.RegularExpressions;

namespace Parley.Privacy;

/// <summary>
/// Masks personal data and secrets in text bound for logs: bearer tokens, Parley (<c>pk_…_…</c>), OpenAI (<c>sk-…</c>,
/// <c>sk-proj-…</c>) and Anthropic (<c>sk-ant-…</c>) API keys, emails, card numbers (13–19 digits passing the Luhn check)
/// and phone numbers. Written here because no maintained .NET library does this small job without a service behind it;
/// it errs on the side of masking (a long number that looks like a phone number is masked).
/// </summary>
public static partial class Redactor
{
    public const string Email = "[email]";
    public const string Phone = "[phone]";
    public const string Card = "[card]";
    public const string ApiKey = "[api-key]";
    public const string Token = "Bearer [token]";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        var result = BearerPattern().Replace(text, Token);
        result = ParleyKeyPattern().Replace(result, ApiKey);
        result = SecretKeyPattern().Replace(result, ApiKey);
        result = EmailPattern().Replace(result, Email);
        result = CardPattern().Replace(result, m => IsCardNumber(m.Value) ? Card : m.Value);
        result = PhonePattern().Replace(result, m => IsPhoneNumber(m.Value) ? Phone : m.Value);
        return result;
    }

    /// <summary>13 to 19 digits (spaces and dashes allowed between them) whose Luhn checksum holds.</summary>
    public static bool IsCardNumber(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
            return false;
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    private static bool IsPhoneNumber(string candidate)
    {
        var digits = candidate.Count(char.IsAsciiDigit);
        if (digits is < 7 or > 15 || IsoDatePattern().IsMatch(candidate))
            return false;
        var separated = candidate.Any(c => c is ' ' or '-' or '.' or '(' or '+');
        return separated || digits >= 10;
    }

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"\bpk_[A-Za-z0-9]+_[A-Za-z0-9_-]+", RegexOptions.CultureInvariant)]
    private static partial Regex ParleyKeyPattern();

    [GeneratedRegex(@"\bsk-[A-Za-z0-9_-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex SecretKeyPattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,5}(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDatePattern();
}

using Parley.Privacy;

namespace Parley.Tests.Privacy;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("write to jane.doe@example.com today", "write to [email] today")]
    [InlineData("JOHN+tag@mail.example.co.uk", "[email]")]
    [InlineData("a_b-c.d@sub-domain.example.org.", "[email].")]
    [InlineData("call +1 415-555-0132 now", "call [phone] now")]
    [InlineData("call (415) 555-0132", "call [phone]")]
    [InlineData("ring +44 20 7946 0958.", "ring [phone].")]
    [InlineData("office 030 1234567", "office [phone]")]
    [InlineData("mobile 4155550132", "mobile [phone]")]
    [InlineData("+49.30.901820", "[phone]")]
    [InlineData("card 4111 1111 1111 1111 ok", "card [card] ok")]
    [InlineData("card 4111-1111-1111-1111", "card [card]")]
    [InlineData("5500005555555559", "[card]")]
    [InlineData("amex 378282246310005", "amex [card]")]
    [InlineData("key pk_k3v9abcdefgh_Yt7sEcReT-x_y", "key [api-key]")]
    [InlineData("OPENAI sk-proj-AbCdEf1234567890_xyz", "OPENAI [api-key]")]
    [InlineData("sk-0123456789abcdefABCDEF", "[api-key]")]
    [InlineData("anthropic sk-ant-api03-abcDEF123456-xyz", "anthropic [api-key]")]
    [InlineData("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig_-+/=", "Authorization: Bearer [token]")]
    [InlineData("authorization: bearer abc123", "authorization: Bearer [token]")]
    public void Masks_personal_data_and_secrets(string input, string expected) => Assert.Equal(expected, Redactor.Redact(input));

    [Theory]
    [InlineData("Hello, how are you?")]
    [InlineData("Meet on 2026-03-01 at 10:30")]
    [InlineData("version 1.2.3 build 42")]
    [InlineData("the answer is 42 and 1234")]
    [InlineData("ask me at example dot com")]
    [InlineData("skills: sk-short")]
    [InlineData("pk_nounderscore")]
    [InlineData("order 12345")]
    public void Leaves_ordinary_text_alone(string input) => Assert.Equal(input, Redactor.Redact(input));

    [Fact]
    public void A_16_digit_number_failing_the_Luhn_check_is_not_called_a_card()
    {
        Assert.False(Redactor.IsCardNumber("4111 1111 1111 1112"));
        Assert.True(Redactor.IsCardNumber("4111 1111 1111 1111"));
        Assert.False(Redactor.IsCardNumber("411111111111"));
        Assert.DoesNotContain("[card]", Redactor.Redact("ref 4111111111111112"), StringComparison.Ordinal);
    }

    [Fact]
    public void Masks_everything_in_a_mixed_text_and_handles_empty_input()
    {
        var text = "I am jane@example.com, +1 (415) 555-0132, card 4012888888881881, keys pk_abcdefghijkl_s3cr3t and sk-live1234567890abcd.";
        Assert.Equal("I am [email], [phone], card [card], keys [api-key] and [api-key].", Redactor.Redact(text));
        Assert.Equal("", Redactor.Redact(null));
        Assert.Equal("", Redactor.Redact(""));
    }
}

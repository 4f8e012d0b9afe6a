using Parley.Identity;

namespace Parley.Tests.Identity;

public sealed class CredentialFormatTests
{
    [Fact]
    public void Generated_keys_carry_their_id_and_match_only_their_own_hash()
    {
        var (id, key) = ApiKeySecret.Generate();
        var (_, other) = ApiKeySecret.Generate();

        Assert.StartsWith($"pk_{id}_", key, StringComparison.Ordinal);
        Assert.Equal(id, ApiKeySecret.IdOf(key));
        Assert.True(ApiKeySecret.Matches(key, ApiKeySecret.Hash(key)));
        Assert.False(ApiKeySecret.Matches(other, ApiKeySecret.Hash(key)));
        Assert.NotEqual(key, other);
    }

    [Theory]
    [InlineData("sk-openai-style")]
    [InlineData("pk_")]
    [InlineData("pk_short_x")]
    [InlineData("pk_ABCDEFGHIJKL_secret")]
    [InlineData("pk_abcdefghijklXsecret")]
    public void Malformed_keys_have_no_id(string token) => Assert.Null(ApiKeySecret.IdOf(token));

    [Fact]
    public void Passwords_hash_with_salt_verify_and_refuse_short_ones()
    {
        var first = Passwords.Hash("correct horse");
        Assert.NotEqual(first, Passwords.Hash("correct horse"));
        Assert.True(Passwords.Verify(first, "correct horse"));
        Assert.False(Passwords.Verify(first, "correct horsE"));
        Assert.False(Passwords.Verify("not a hash", "correct horse"));
        Assert.NotNull(Passwords.Weakness("short"));
        Assert.Null(Passwords.Weakness("long enough"));
    }

    [Theory]
    [InlineData("mock/*", "mock/echo", true)]
    [InlineData("mock/*", "openai/gpt-4o", false)]
    [InlineData("openai/gpt-4o", "OpenAI/GPT-4o", true)]
    [InlineData("*", "anthropic/claude", true)]
    [InlineData("openai/gpt-4o", "openai/gpt-4o-mini", false)]
    public void Model_patterns_allow_exact_ids_a_providers_models_or_all(string pattern, string model, bool allowed) =>
        Assert.Equal(allowed, ModelAccess.Allows([pattern], model));

    [Fact]
    public void A_key_without_models_may_use_every_model() => Assert.True(ModelAccess.Allows([], "openai/anything"));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("a.b-c_d@example.org", true)]
    [InlineData("", false)]
    [InlineData("bot:x", false)]
    [InlineData("with space", false)]
    [InlineData("semi;colon", false)]
    public void User_names_are_checked(string name, bool valid) => Assert.Equal(valid, UserNames.Problem(name) is null);
}

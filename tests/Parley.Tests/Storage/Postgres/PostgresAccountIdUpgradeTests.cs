using Npgsql;
using Parley.Identity;
using Parley.Storage;
using Parley.Storage.Postgres;
using Parley.Usage;

namespace Parley.Tests.Storage.Postgres;

/// <summary>PostgreSQL migration 9: an existing account's id becomes its name, so everything it owned stays its own.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresAccountIdUpgradeTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_schema_8_database_upgrades_and_its_account_keeps_its_conversations_keys_usage_and_sessions()
    {
        var connectionString = await fixture.Cluster.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await PostgresSchema.MigrateAsync(connection, upTo: 8, CancellationToken.None);
            await using var insert = new NpgsqlCommand("""
                INSERT INTO users (name, password_hash, is_admin, created_at) VALUES ('carol', 'hash', FALSE, 1);
                INSERT INTO api_keys (id, name, owner, secret_hash, models, created_at) VALUES ('carolkey0001', 'ci', 'carol', 'h', '[]', 1);
                INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES ('session-hash', 'carol', 1, 9000000000000);
                INSERT INTO conversations (id, owner, title, created_at, updated_at) VALUES ('c_carol', 'carol', 'Carol''s notes', 1, 1);
                INSERT INTO usage (at, owner, surface, requested_model, model, prompt_tokens, completion_tokens, total_tokens, cached, latency_ms, outcome)
                    VALUES (1, 'carol', 'v1', 'mock/echo', 'mock/echo', 3, 4, 7, FALSE, 1, 'ok');
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }

        await using var database = new PostgresDatabase(connectionString);
        var identity = new SqlIdentityStore(database);
        await identity.InitializeAsync();

        var carol = await identity.GetUserByNameAsync("CAROL");
        Assert.Equal("carol", carol!.Id);
        Assert.Equal("carol", (await identity.GetUserByIdAsync("carol"))!.Name);
        Assert.Equal("carol", (await identity.GetSessionAsync("session-hash"))!.UserId);
        Assert.Equal(["carolkey0001"], (await identity.ListKeysAsync(carol.Id)).Select(k => k.Id));
        Assert.NotNull(await new SqlConversationStore(database).GetConversationAsync(carol.Id, "c_carol"));
        Assert.Equal(1, (await new SqlUsageStore(database).QueryAsync(new UsageQuery(null, null, UsageGroupBy.Day, carol.Id))).Sum(g => g.Requests));

        // Ids are unique: a new account cannot take carol's.
        Assert.False(await identity.AddUserAsync(new UserAccount("carol", "dave", "hash", false, DateTimeOffset.UnixEpoch)));
        Assert.True(await identity.AddUserAsync(new UserAccount(UserIds.New(), "dave", "hash", false, DateTimeOffset.UnixEpoch)));
    }
}

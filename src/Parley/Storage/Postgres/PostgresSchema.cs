using System.Globalization;
using Npgsql;

namespace Parley.Storage.Postgres;

/// <summary>
/// PostgreSQL schema migrations, applied in order at startup and recorded in <c>parley_schema_version</c>. Append only:
/// a migration that shipped is never edited, a change is a new entry at the end. All of it runs in one transaction
/// under a transaction-scoped advisory lock, so instances starting at once apply each migration exactly once.
/// </summary>
internal static class PostgresSchema
{
    // An arbitrary constant ("Parley" in ASCII) naming the advisory lock that serialises migrations.
    private const long MigrationLock = 0x506172_6C6579;

    private static readonly string[] Migrations =
    [
        // 1: conversations, their message trees and images (SQLite migrations 1-2).
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            title TEXT NOT NULL,
            has_title BOOLEAN NOT NULL DEFAULT FALSE,
            system_prompt TEXT,
            model TEXT,
            temperature DOUBLE PRECISION,
            max_tokens INTEGER,
            tools TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX ix_conversations_owner_updated ON conversations(owner, updated_at DESC, id DESC);
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id TEXT,
            seq BIGINT GENERATED ALWAYS AS IDENTITY,
            role TEXT NOT NULL,
            parts TEXT NOT NULL,
            text TEXT NOT NULL,
            model TEXT,
            status TEXT NOT NULL,
            error TEXT,
            usage TEXT,
            timings TEXT,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX ix_messages_conversation ON messages(conversation_id, seq);
        CREATE TABLE images (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            media_type TEXT NOT NULL,
            data BYTEA NOT NULL
        );
        CREATE INDEX ix_images_conversation ON images(conversation_id);
        """,
        // 2: usage accounting, one row per model call (see Parley.Usage).
        """
        CREATE TABLE usage (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            owner TEXT NOT NULL,
            api_key TEXT,
            surface TEXT NOT NULL,
            requested_model TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_tokens BIGINT NOT NULL,
            completion_tokens BIGINT NOT NULL,
            total_tokens BIGINT NOT NULL,
            cached BOOLEAN NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL,
            ttft_ms DOUBLE PRECISION,
            outcome TEXT NOT NULL,
            cost DOUBLE PRECISION
        );
        CREATE INDEX ix_usage_at ON usage(at);
        CREATE INDEX ix_usage_owner_at ON usage(owner, at);
        """,
        // 3: bots: user threads, the inbox of acknowledged messages and the outbox of answers (see Parley.Bots).
        """
        CREATE TABLE bot_threads (
            bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            PRIMARY KEY (bot, user_id, thread_id));
        CREATE TABLE bot_inbox (
            id TEXT PRIMARY KEY, bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            text TEXT NOT NULL, reply_to TEXT NOT NULL, created_at BIGINT NOT NULL, done BOOLEAN NOT NULL DEFAULT FALSE);
        CREATE INDEX ix_bot_inbox_pending ON bot_inbox(created_at) WHERE NOT done;
        CREATE TABLE bot_outbox (
            id TEXT PRIMARY KEY, inbox_id TEXT NOT NULL UNIQUE, bot TEXT NOT NULL, url TEXT NOT NULL, payload TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at BIGINT, created_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT);
        CREATE INDEX ix_bot_outbox_due ON bot_outbox(next_attempt_at) WHERE delivered_at IS NULL;
        """,
        // 4: identity (see Parley.Identity): local accounts, API keys (only their SHA-256) and web sessions (only the token's SHA-256).
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            is_admin BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE UNIQUE INDEX ux_users_name ON users(lower(name));
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            owner TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            models TEXT NOT NULL,
            requests_per_minute INTEGER,
            daily_token_limit BIGINT,
            max_concurrent_streams INTEGER,
            expires_at BIGINT,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT
        );
        CREATE INDEX ix_api_keys_owner ON api_keys(lower(owner), created_at DESC);
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE INDEX ix_sessions_user ON sessions(lower(user_name));
        """,
        // 5: the append-only audit trail (a trigger refuses UPDATE and DELETE) and per-owner settings (retention).
        """
        CREATE TABLE audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            via_key TEXT,
            action TEXT NOT NULL,
            target TEXT,
            outcome TEXT NOT NULL,
            address TEXT,
            detail TEXT
        );
        CREATE INDEX ix_audit_at ON audit(at);
        CREATE INDEX ix_audit_action ON audit(action, id);
        CREATE INDEX ix_audit_actor ON audit(lower(actor), id);
        CREATE FUNCTION parley_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only';
        END;
        $$;
        CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH STATEMENT EXECUTE FUNCTION parley_audit_append_only();
        CREATE TABLE owner_settings (
            owner TEXT PRIMARY KEY,
            retention_days INTEGER
        );
        CREATE UNIQUE INDEX ux_owner_settings_owner ON owner_settings(lower(owner));
        """,
        // 6: per-owner preferences for the web app (SQLite migration 6).
        """
        ALTER TABLE owner_settings ADD COLUMN preferences TEXT;
        """,
        // 7: share links (SQLite migration 7).
        """
        CREATE TABLE shares (
            token TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            leaf_id TEXT,
            title TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX ix_shares_owner ON shares(lower(owner), created_at DESC);
        """,
        // 8: the branch the user chose to see in each conversation (SQLite migration 8).
        """
        ALTER TABLE conversations ADD COLUMN selected_leaf TEXT;
        """,
        // 9: accounts own data by a stable id (SQLite migration 10): an existing account's id is its normalised name, the
        // owner its rows already carry, so no owned row changes; sessions name the account by id.
        """
        ALTER TABLE users ADD COLUMN id TEXT;
        UPDATE users SET id = lower(name);
        ALTER TABLE users ALTER COLUMN id SET NOT NULL;
        CREATE UNIQUE INDEX ux_users_id ON users(id);
        ALTER TABLE sessions RENAME COLUMN user_name TO user_id;
        """,
        // 10: stored /v1/responses responses (SQLite migration 11).
        """
        CREATE TABLE stored_responses (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            model TEXT NOT NULL,
            relayed_by TEXT,
            created_at BIGINT NOT NULL,
            response TEXT NOT NULL,
            input_items TEXT NOT NULL,
            history TEXT NOT NULL
        );
        CREATE INDEX ix_stored_responses_owner ON stored_responses(lower(owner), created_at);
        CREATE INDEX ix_stored_responses_created ON stored_responses(created_at);
        """,
        // 11: pinned conversations and per-owner folders (SQLite migration 12).
        """
        ALTER TABLE conversations ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE conversations ADD COLUMN folder_id TEXT;
        CREATE TABLE folders (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX ix_folders_owner ON folders(owner);
        CREATE INDEX ix_conversations_folder ON conversations(folder_id) WHERE folder_id IS NOT NULL;
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    public static Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        MigrateAsync(connection, Migrations.Length, cancellationToken);

    /// <summary>Applies migrations up to schema <paramref name="upTo"/> only: how tests make a database as an older Parley left it.</summary>
    internal static async Task MigrateAsync(NpgsqlConnection connection, int upTo, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock.ToString(CultureInfo.InvariantCulture)})", cancellationToken);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS parley_schema_version (
                version INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """, cancellationToken);

        await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM parley_schema_version", connection, transaction);
        var version = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (version > Migrations.Length)
            throw new InvalidOperationException(
                $"The PostgreSQL database was written by a newer Parley (schema {version}, this build knows {Migrations.Length}). Upgrade Parley or point DATABASE_URL elsewhere.");

        for (var i = version; i < upTo; i++)
        {
            await ExecuteAsync(connection, transaction, Migrations[i], cancellationToken);
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO parley_schema_version (version) VALUES ({(i + 1).ToString(CultureInfo.InvariantCulture)})", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Schema migrations, applied in order at startup and tracked in <c>PRAGMA user_version</c>. Append only: a
/// migration that shipped is never edited, a change is a new entry.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            title TEXT NOT NULL,
            has_title INTEGER NOT NULL DEFAULT 0,
            system_prompt TEXT,
            model TEXT,
            temperature REAL,
            max_tokens INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX ix_conversations_owner_updated ON conversations(owner, updated_at DESC, id DESC);
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id TEXT,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL,
            parts TEXT NOT NULL,
            text TEXT NOT NULL,
            model TEXT,
            status TEXT NOT NULL,
            error TEXT,
            usage TEXT,
            timings TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_messages_conversation ON messages(conversation_id, seq);
        CREATE TABLE images (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            media_type TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX ix_images_conversation ON images(conversation_id);
        """,
        // 2: per-conversation tool switches (a JSON array of tool names; NULL = the server's defaults).
        """
        ALTER TABLE conversations ADD COLUMN tools TEXT;
        """,
        // 3: usage accounting, one row per model call (see Parley.Usage).
        """
        CREATE TABLE usage (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            owner TEXT NOT NULL,
            api_key TEXT,
            surface TEXT NOT NULL,
            requested_model TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            total_tokens INTEGER NOT NULL,
            cached INTEGER NOT NULL,
            latency_ms REAL NOT NULL,
            ttft_ms REAL,
            outcome TEXT NOT NULL,
            cost REAL
        );
        CREATE INDEX ix_usage_at ON usage(at);
        CREATE INDEX ix_usage_owner_at ON usage(owner, at);
        """,
        // 4: identity (see Parley.Identity): local accounts, API keys (only their SHA-256) and web sessions (only the token's SHA-256).
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            is_admin INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            owner TEXT NOT NULL COLLATE NOCASE,
            secret_hash TEXT NOT NULL,
            models TEXT NOT NULL,
            requests_per_minute INTEGER,
            daily_token_limit INTEGER,
            max_concurrent_streams INTEGER,
            expires_at INTEGER,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER,
            revoked_at INTEGER
        );
        CREATE INDEX ix_api_keys_owner ON api_keys(owner, created_at DESC);
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_name TEXT NOT NULL COLLATE NOCASE,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE INDEX ix_sessions_user ON sessions(user_name);
        """,
        // 5: the append-only audit trail (see Parley.Audit; triggers refuse UPDATE and DELETE) and per-owner settings (own retention).
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
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
        CREATE INDEX ix_audit_actor ON audit(actor COLLATE NOCASE, id);
        CREATE TRIGGER audit_refuses_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_refuses_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TABLE owner_settings (
            owner TEXT PRIMARY KEY COLLATE NOCASE,
            retention_days INTEGER
        );
        """,
        // 6: per-owner preferences for the web app (theme, default model, system prompt, temperature) as one JSON document.
        """
        ALTER TABLE owner_settings ADD COLUMN preferences TEXT;
        """,
        // 7: share links, each a frozen snapshot of one branch of a conversation, reachable by its random token (see Parley.Sharing).
        """
        CREATE TABLE shares (
            token TEXT PRIMARY KEY,
            owner TEXT NOT NULL COLLATE NOCASE,
            conversation_id TEXT NOT NULL,
            leaf_id TEXT,
            title TEXT NOT NULL,
            snapshot TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_shares_owner ON shares(owner, created_at DESC);
        """,
        // 8: the branch the user chose to see in each conversation (a message id; NULL = the newest branch).
        """
        ALTER TABLE conversations ADD COLUMN selected_leaf TEXT;
        """,
        // 9: bots: user threads, the inbox of acknowledged messages and the outbox of answers (see Parley.Bots). IF NOT
        // EXISTS: files from before this migration may already hold them.
        """
        CREATE TABLE IF NOT EXISTS bot_threads (
            bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            PRIMARY KEY (bot, user_id, thread_id));
        CREATE TABLE IF NOT EXISTS bot_inbox (
            id TEXT PRIMARY KEY, bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            text TEXT NOT NULL, reply_to TEXT NOT NULL, created_at INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS bot_outbox (
            id TEXT PRIMARY KEY, inbox_id TEXT NOT NULL UNIQUE, bot TEXT NOT NULL, url TEXT NOT NULL, payload TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at INTEGER, created_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT);
        CREATE INDEX IF NOT EXISTS ix_bot_outbox_due ON bot_outbox(next_attempt_at) WHERE delivered_at IS NULL;
        """,
        // 10: accounts own data by a stable id (see Parley.Identity.UserIds). An existing account's id is its normalised
        // name, the owner its rows already carry, so no owned row changes; sessions name the account by id.
        """
        ALTER TABLE users ADD COLUMN id TEXT NOT NULL DEFAULT '';
        UPDATE users SET id = lower(name);
        CREATE UNIQUE INDEX ux_users_id ON users(id);
        ALTER TABLE sessions RENAME COLUMN user_name TO user_id;
        """,
        // 11: stored /v1/responses responses, owned by the caller (see Parley.Responses); JSON columns, at most 16 MiB together.
        // IF NOT EXISTS, like 9: a file whose user_version was set back re-runs it harmlessly.
        """
        CREATE TABLE IF NOT EXISTS stored_responses (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL COLLATE NOCASE,
            model TEXT NOT NULL,
            relayed_by TEXT,
            created_at INTEGER NOT NULL,
            response TEXT NOT NULL,
            input_items TEXT NOT NULL,
            history TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_stored_responses_owner ON stored_responses(owner, created_at);
        CREATE INDEX IF NOT EXISTS ix_stored_responses_created ON stored_responses(created_at);
        """,
        // 12: organisation: pinned conversations and per-owner folders (see Parley.Folders). Deleting a folder moves its
        // conversations out (folder_id back to NULL), never deletes them.
        """
        ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE conversations ADD COLUMN folder_id TEXT;
        CREATE TABLE folders (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_folders_owner ON folders(owner);
        CREATE INDEX ix_conversations_folder ON conversations(folder_id) WHERE folder_id IS NOT NULL;
        """,
    ];

    public static int LatestVersion => Migrations.Length;

    public static void Migrate(SqliteConnection connection) => Migrate(connection, Migrations.Length);

    /// <summary>Applies migrations up to schema <paramref name="upTo"/> only: how tests make a file as an older Parley left it.</summary>
    internal static void Migrate(SqliteConnection connection, int upTo)
    {
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        // Each step reads the version inside its own write transaction (BEGIN IMMEDIATE), so stores initialising the same
        // file at once take turns and every migration runs exactly once.
        while (true)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var version = Convert.ToInt32(Scalar(connection, transaction, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
            if (version > Migrations.Length)
                throw new InvalidOperationException(
                    $"The SQLite database was written by a newer Parley (schema {version}, this build knows {Migrations.Length}). Upgrade Parley or point Parley:DataDirectory elsewhere.");
            if (version >= upTo)
                return;
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Migrations[version] + $"\nPRAGMA user_version = {version + 1};";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

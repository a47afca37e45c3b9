-- 006: conversations. Every Message-ID an account has seen, a message's own
-- or one its In-Reply-To/References name, maps to a conversation; a
-- message's thread_id is its conversation, the id of its first message.
-- Conversations span the account's folders (a reply in Sent joins).
-- Existing mail is threaded by the store right after this migration.
ALTER TABLE messages ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0;

CREATE TABLE thread_ids (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  thread_id INTEGER NOT NULL,
  PRIMARY KEY (account_id, message_id)
) WITHOUT ROWID;

CREATE INDEX thread_ids_thread ON thread_ids (thread_id);
CREATE INDEX messages_thread ON messages (thread_id, date);
-- The subject fallback looks for the newest message with the same subject.
CREATE INDEX messages_account_subject ON messages (account_id, sort_subject, date);

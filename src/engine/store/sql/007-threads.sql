-- 007: conversations. Every Message-ID an account has seen, a message's own
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
CREATE INDEX messages_thread ON messages (thread_id, folder_id, date);
-- The subject fallback looks for the newest message with the same subject.
CREATE INDEX messages_account_subject ON messages (account_id, sort_subject, date);

-- One row per conversation and folder, kept by the triggers below, so that
-- the threaded list pages as fast as the flat one: newest first by index,
-- never a GROUP BY over the folder. No foreign key: while a folder is
-- deleted, its messages go by cascade and their triggers must not insert a
-- row for it; the folder's own trigger clears its rows.
CREATE TABLE folder_threads (
  folder_id INTEGER NOT NULL,
  thread_id INTEGER NOT NULL,
  newest_date INTEGER NOT NULL,
  newest_id INTEGER NOT NULL,
  n_messages INTEGER NOT NULL,
  n_unread INTEGER NOT NULL,
  n_flagged INTEGER NOT NULL,
  PRIMARY KEY (folder_id, thread_id)
) WITHOUT ROWID;

CREATE INDEX folder_threads_newest ON folder_threads (folder_id, newest_date, thread_id);

-- Threading a whole account at once sets this and recomputes folder_threads
-- in one statement at the end, instead of row by row.
CREATE TABLE thread_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  rebuilding INTEGER NOT NULL DEFAULT 0
);
INSERT INTO thread_state (id, rebuilding) VALUES (1, 0);

-- Each trigger recomputes the row of a (folder, conversation) from its
-- messages: conversations are small, and messages_thread finds them at
-- once. With one aggregate, SQLite takes id from the row of max(date).
CREATE TRIGGER folder_threads_au AFTER UPDATE OF thread_id, flags, folder_id, date ON messages
  WHEN (SELECT rebuilding FROM thread_state) = 0 BEGIN
  DELETE FROM folder_threads WHERE folder_id = old.folder_id AND thread_id = old.thread_id;
  DELETE FROM folder_threads WHERE folder_id = new.folder_id AND thread_id = new.thread_id;
  INSERT INTO folder_threads
    SELECT folder_id, thread_id, max(date), id, count(*), sum((flags & 9) = 0), sum((flags & 4) != 0)
      FROM messages WHERE thread_id = old.thread_id AND folder_id = old.folder_id
       AND old.thread_id != 0 GROUP BY folder_id, thread_id;
  INSERT INTO folder_threads
    SELECT folder_id, thread_id, max(date), id, count(*), sum((flags & 9) = 0), sum((flags & 4) != 0)
      FROM messages WHERE thread_id = new.thread_id AND folder_id = new.folder_id
       AND new.thread_id != 0 AND (new.thread_id != old.thread_id OR new.folder_id != old.folder_id)
     GROUP BY folder_id, thread_id;
END;

CREATE TRIGGER folder_threads_ad AFTER DELETE ON messages
  WHEN old.thread_id != 0 AND (SELECT rebuilding FROM thread_state) = 0 BEGIN
  DELETE FROM folder_threads WHERE folder_id = old.folder_id AND thread_id = old.thread_id;
  INSERT INTO folder_threads
    SELECT folder_id, thread_id, max(date), id, count(*), sum((flags & 9) = 0), sum((flags & 4) != 0)
      FROM messages WHERE thread_id = old.thread_id AND folder_id = old.folder_id
       AND EXISTS (SELECT 1 FROM folders WHERE id = old.folder_id)
     GROUP BY folder_id, thread_id;
END;

CREATE TRIGGER folder_threads_folder_ad AFTER DELETE ON folders BEGIN
  DELETE FROM folder_threads WHERE folder_id = old.id;
END;

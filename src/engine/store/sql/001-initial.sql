-- 001: the core schema. Accounts hold settings only: passwords live in
-- libsecret. Counts on folders are kept by triggers so the UI never counts.

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  protocol TEXT NOT NULL CHECK (protocol IN ('imap', 'pop3')),
  in_host TEXT NOT NULL DEFAULT '',
  in_port INTEGER NOT NULL DEFAULT 0,
  in_security TEXT NOT NULL DEFAULT 'tls',
  in_user TEXT NOT NULL DEFAULT '',
  in_cert_sha256 TEXT,
  smtp_host TEXT NOT NULL DEFAULT '',
  smtp_port INTEGER NOT NULL DEFAULT 0,
  smtp_security TEXT NOT NULL DEFAULT 'tls',
  smtp_user TEXT NOT NULL DEFAULT '',
  smtp_auth TEXT NOT NULL DEFAULT 'password',
  smtp_cert_sha256 TEXT,
  pop3_leave_on_server INTEGER NOT NULL DEFAULT 1,
  pop3_delete_after_days INTEGER NOT NULL DEFAULT 0,
  pop3_delete_when_deleted_here INTEGER NOT NULL DEFAULT 0,
  offline_days INTEGER NOT NULL DEFAULT 0     -- 0: all mail offline
);

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  delimiter TEXT NOT NULL DEFAULT '/',
  role TEXT NOT NULL DEFAULT 'none',
  uidvalidity INTEGER NOT NULL DEFAULT 0,
  uidnext INTEGER NOT NULL DEFAULT 0,
  highestmodseq INTEGER NOT NULL DEFAULT 0,
  unread_count INTEGER NOT NULL DEFAULT 0,
  total_count INTEGER NOT NULL DEFAULT 0,
  subscribed INTEGER NOT NULL DEFAULT 1,
  sync_state TEXT,
  last_sync INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, path)
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  uid INTEGER,                 -- IMAP UID; NULL for local/POP3 mail
  uidl TEXT,                   -- POP3 UIDL
  message_id TEXT,
  in_reply_to TEXT,
  refs TEXT,
  subject TEXT NOT NULL DEFAULT '',
  sort_subject TEXT NOT NULL DEFAULT '',
  from_name TEXT NOT NULL DEFAULT '',
  from_addr TEXT NOT NULL DEFAULT '',
  sort_sender TEXT NOT NULL DEFAULT '',
  to_display TEXT NOT NULL DEFAULT '',
  to_addrs TEXT NOT NULL DEFAULT '',
  cc_display TEXT NOT NULL DEFAULT '',
  cc_addrs TEXT NOT NULL DEFAULT '',
  date INTEGER NOT NULL DEFAULT 0,
  internal_date INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  flags INTEGER NOT NULL DEFAULT 0,
  keywords TEXT NOT NULL DEFAULT '',
  has_attachments INTEGER NOT NULL DEFAULT 0,
  preview TEXT NOT NULL DEFAULT '',
  body_state INTEGER NOT NULL DEFAULT 0   -- 0 none, 1 headers, 2 full
);

CREATE UNIQUE INDEX messages_folder_uid ON messages(folder_id, uid) WHERE uid IS NOT NULL;

-- Raw RFC 5322 messages, stored once, apart from the envelope columns so the
-- list never reads them.
CREATE TABLE bodies (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  raw BLOB NOT NULL
);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  part_path TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  mime_type TEXT NOT NULL DEFAULT 'application/octet-stream',
  size INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE pop3_uidls (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  uidl TEXT NOT NULL,
  downloaded_at INTEGER NOT NULL,
  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  marks INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, uidl)
);

-- The offline queue: replayed in id order, a row is removed only once the
-- server confirmed it. Folders are named by path, not by id, so a folder
-- reset (UIDVALIDITY change) never drops a queued user action.
CREATE TABLE pending_ops (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  folder_path TEXT NOT NULL DEFAULT '',
  dest_path TEXT NOT NULL DEFAULT '',
  uids TEXT NOT NULL DEFAULT '',
  flags INTEGER NOT NULL DEFAULT 0,
  keywords TEXT NOT NULL DEFAULT '',
  local_message_id INTEGER,
  data BLOB,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  raw BLOB NOT NULL,
  env_from TEXT NOT NULL,
  recipients TEXT NOT NULL,     -- one address per line
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
);

-- Unread = neither \Seen nor \Deleted (flag bits 1 and 8).
CREATE TRIGGER messages_count_ai AFTER INSERT ON messages BEGIN
  UPDATE folders SET total_count = total_count + 1,
                     unread_count = unread_count + ((new.flags & 9) = 0)
   WHERE id = new.folder_id;
END;

CREATE TRIGGER messages_count_ad AFTER DELETE ON messages BEGIN
  UPDATE folders SET total_count = total_count - 1,
                     unread_count = unread_count - ((old.flags & 9) = 0)
   WHERE id = old.folder_id;
END;

CREATE TRIGGER messages_count_au AFTER UPDATE OF flags, folder_id ON messages
  WHEN old.flags != new.flags OR old.folder_id != new.folder_id BEGIN
  UPDATE folders SET total_count = total_count - 1,
                     unread_count = unread_count - ((old.flags & 9) = 0)
   WHERE id = old.folder_id;
  UPDATE folders SET total_count = total_count + 1,
                     unread_count = unread_count + ((new.flags & 9) = 0)
   WHERE id = new.folder_id;
END;

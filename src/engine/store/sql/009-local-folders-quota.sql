-- 009: "On this computer" and the server quota.
--
-- Local folders belong to a pseudo-account of protocol 'local' (no server,
-- no worker), so that their mail is stored, listed and searched like any
-- other. SQLite cannot change a CHECK constraint in place: the accounts
-- table is rebuilt (sqlite.org/lang_altertable.html, "other kinds of table
-- schema changes"). The store runs this file with foreign keys off, so
-- dropping the old table cascades nothing, and checks every reference
-- (PRAGMA foreign_key_check) before it commits.

CREATE TABLE accounts_new (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  protocol TEXT NOT NULL CHECK (protocol IN ('imap', 'pop3', 'local')),
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
  offline_days INTEGER NOT NULL DEFAULT 0
);

INSERT INTO accounts_new SELECT * FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

-- At most one "On this computer".
CREATE UNIQUE INDEX accounts_one_local ON accounts (protocol) WHERE protocol = 'local';

-- What the server last said about the storage quota of the account's
-- INBOX quota root (RFC 9208 GETQUOTAROOT), in KiB as IMAP counts it. A
-- server without QUOTA has no row.
CREATE TABLE account_quota (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  root TEXT NOT NULL DEFAULT '',
  used_kib INTEGER NOT NULL,
  limit_kib INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);

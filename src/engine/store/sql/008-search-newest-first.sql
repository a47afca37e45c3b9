-- 008: search results newest first without sorting every match. The FTS
-- rowid (message_text.id) is now the message's date and id, (date << 28) |
-- (id mod 2^28), and message_text.msg names the message: FTS5 walks the
-- matches of a common word newest first and stops at the end of the page,
-- instead of handing SQLite tens of thousands of rows to sort.
-- msg is the table's key, so that new text is appended in arrival order
-- (random keys in a table of bodies made every insert a page split); the
-- date-ordered id, FTS5's rowid, is a small unique index beside it.
CREATE TABLE message_text_by_date (
  msg INTEGER PRIMARY KEY,
  id INTEGER NOT NULL UNIQUE,
  subject TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  recipients TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT ''
);

INSERT INTO message_text_by_date (id, msg, subject, sender, recipients, body, attachments)
SELECT (max (0, min (m.date, 34359738367)) << 28) | (m.id & 268435455), t.id, t.subject, t.sender,
       t.recipients, t.body, t.attachments
  FROM message_text t JOIN messages m ON m.id = t.id;

DROP TRIGGER message_text_ad;
DROP TRIGGER message_text_au;
DROP TRIGGER messages_text_ad;
DROP TABLE message_fts;
DROP TABLE message_text;
ALTER TABLE message_text_by_date RENAME TO message_text;

CREATE VIRTUAL TABLE message_fts USING fts5 (
  subject, sender, recipients, body, attachments,
  content = 'message_text', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO message_fts (message_fts) VALUES ('rebuild');

CREATE TRIGGER message_text_ad AFTER DELETE ON message_text BEGIN
  INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body, attachments)
  VALUES ('delete', old.id, old.subject, old.sender, old.recipients, old.body, old.attachments);
END;

CREATE TRIGGER message_text_au AFTER UPDATE ON message_text BEGIN
  INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body, attachments)
  VALUES ('delete', old.id, old.subject, old.sender, old.recipients, old.body, old.attachments);
  INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)
  VALUES (new.id, new.subject, new.sender, new.recipients, new.body, new.attachments);
END;

CREATE TRIGGER messages_text_ad AFTER DELETE ON messages BEGIN
  DELETE FROM message_text WHERE msg = old.id;
END;

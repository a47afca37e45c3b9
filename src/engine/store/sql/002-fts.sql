-- 002: full-text search. message_text is the external content table of the
-- FTS5 index; triggers keep the index in step inside the same transaction.

CREATE TABLE message_text (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL DEFAULT '',
  sender TEXT NOT NULL DEFAULT '',
  recipients TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT ''
);

CREATE VIRTUAL TABLE message_fts USING fts5 (
  subject, sender, recipients, body, attachments,
  content = 'message_text', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER message_text_ai AFTER INSERT ON message_text BEGIN
  INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)
  VALUES (new.id, new.subject, new.sender, new.recipients, new.body, new.attachments);
END;

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

-- The text row goes with its message (explicit, rather than a cascade, so the
-- FTS delete trigger above always runs).
CREATE TRIGGER messages_text_ad AFTER DELETE ON messages BEGIN
  DELETE FROM message_text WHERE id = old.id;
END;

-- Index mail stored before this version (no body text was kept then).
INSERT INTO message_text (id, subject, sender, recipients, body, attachments)
SELECT m.id, m.subject, m.from_name || ' ' || m.from_addr,
       m.to_display || ' ' || m.to_addrs || ' ' || m.cc_display || ' ' || m.cc_addrs,
       '',
       coalesce ((SELECT group_concat (a.name, ' ') FROM attachments a WHERE a.message_id = m.id), '')
  FROM messages m;

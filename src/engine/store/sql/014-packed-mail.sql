-- 014: the raw mail and its searchable text are stored packed (zstd, see
-- tern-store-pack.c): on the bench's mail, half the size of each.
-- The FTS index holds no copy of the text (external content, 002/008);
-- its content table held the second one, the body text beside the raw
-- mail. The text stays (FTS5 needs a message's terms to delete them, and
-- SQLite 3.40's contentless tables have no other way), but packed, in
-- message_text_packed; message_text becomes the view of it that the index
-- names as its content, so that an FTS 'rebuild' or 'integrity-check'
-- still reads the text itself, and that the store writes through (its
-- triggers pack the body) whatever the schema version.
DROP TRIGGER message_text_ad;
DROP TRIGGER message_text_au;
ALTER TABLE message_text RENAME TO message_text_packed;

-- The rows already there are packed by the store right after this, in
-- batches of their own transactions (tern_store_pack_existing).

CREATE VIEW message_text AS
  SELECT id, msg, subject, sender, recipients, tern_unpack_text (body) AS body, attachments
    FROM message_text_packed;

CREATE TRIGGER message_text_ii INSTEAD OF INSERT ON message_text BEGIN
  INSERT INTO message_text_packed (id, msg, subject, sender, recipients, body, attachments)
  VALUES (new.id, new.msg, new.subject, new.sender, new.recipients, tern_pack (new.body),
          new.attachments);
END;

-- A new body (tern_store_set_raw): the FTS row follows by the trigger below.
CREATE TRIGGER message_text_iu INSTEAD OF UPDATE ON message_text BEGIN
  UPDATE message_text_packed
     SET id = new.id, msg = new.msg, subject = new.subject, sender = new.sender,
         recipients = new.recipients, body = tern_pack (new.body), attachments = new.attachments
   WHERE msg = old.msg;
END;

CREATE TRIGGER message_text_packed_ad AFTER DELETE ON message_text_packed BEGIN
  INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body, attachments)
  VALUES ('delete', old.id, old.subject, old.sender, old.recipients, tern_unpack_text (old.body),
          old.attachments);
END;

-- Packing a row (tern_store_pack_existing) changes none of its text: then
-- the index is left alone.
CREATE TRIGGER message_text_packed_au AFTER UPDATE ON message_text_packed
  WHEN old.id IS NOT new.id OR old.subject IS NOT new.subject OR old.sender IS NOT new.sender
    OR old.recipients IS NOT new.recipients OR old.attachments IS NOT new.attachments
    OR tern_unpack_text (old.body) IS NOT tern_unpack_text (new.body) BEGIN
  INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body, attachments)
  VALUES ('delete', old.id, old.subject, old.sender, old.recipients, tern_unpack_text (old.body),
          old.attachments);
  INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)
  VALUES (new.id, new.subject, new.sender, new.recipients, tern_unpack_text (new.body),
          new.attachments);
END;

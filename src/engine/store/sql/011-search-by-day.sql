-- 011: the FTS rowid (message_text.id) is the message's day and id,
-- ((date / 86400) << 28) | (id mod 2^28), instead of its date in seconds
-- (008). FTS5 stores each doclist's rowids as deltas: from one message to
-- the next, a date in seconds shifted by 28 bits made each delta about 6
-- bytes, which doubled the index and cost a quarter of the insert rate.
-- Within a day the deltas are those of the ids; the search still walks
-- the matches newest day first and sorts each day by date itself.
DROP TRIGGER message_text_au;

-- Through negative keys, so that no new key meets an old one on the way.
UPDATE message_text SET id = -msg;
UPDATE message_text SET id =
  ((coalesce ((SELECT max (0, min (m.date, 34359738367)) FROM messages m
                WHERE m.id = message_text.msg), 0) / 86400) << 28) | (msg & 268435455);

INSERT INTO message_fts (message_fts) VALUES ('rebuild');

CREATE TRIGGER message_text_au AFTER UPDATE ON message_text BEGIN
  INSERT INTO message_fts (message_fts, rowid, subject, sender, recipients, body, attachments)
  VALUES ('delete', old.id, old.subject, old.sender, old.recipients, old.body, old.attachments);
  INSERT INTO message_fts (rowid, subject, sender, recipients, body, attachments)
  VALUES (new.id, new.subject, new.sender, new.recipients, new.body, new.attachments);
END;

-- The conversation list's row ids (tern_store_list_thread_heads) come from
-- this index alone: with newest_id in it, listing the 60,000 conversations
-- of a 100,000-message folder reads no table row (9 ms instead of 45 ms).
DROP INDEX folder_threads_newest;
CREATE INDEX folder_threads_newest ON folder_threads (folder_id, newest_date, thread_id, newest_id);

-- 005: a queued operation names its messages by UID together with the
-- folder's UIDVALIDITY, and keeps what finds them again after the server
-- renumbered the folder (Message-ID, size, date). An operation that cannot
-- be done safely is held for the user instead of being replayed.

ALTER TABLE pending_ops ADD COLUMN uidvalidity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pending_ops ADD COLUMN idents TEXT NOT NULL DEFAULT '';
ALTER TABLE pending_ops ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
-- How far a replay got: 1 once a COPY (of a move done as COPY + delete) may
-- have reached the server, so a replay after a crash looks for the copy
-- before copying again.
ALTER TABLE pending_ops ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;

-- Operations queued before this version took their UIDs in the numbering the
-- store still holds (a renumbered folder is reset only after the replay).
UPDATE pending_ops SET uidvalidity = coalesce (
    (SELECT f.uidvalidity FROM folders f
      WHERE f.account_id = pending_ops.account_id AND f.path = pending_ops.folder_path), 0)
 WHERE kind != 'append';

-- A queued move names its local copy (now in the destination, without a
-- UID): that gives the identity of its one UID.
UPDATE pending_ops SET idents = coalesce (
    (SELECT pending_ops.uids || ' ' || m.size || ' ' || m.internal_date || ' ' ||
            coalesce (m.message_id, '')
       FROM messages m WHERE m.id = pending_ops.local_message_id), '')
 WHERE kind = 'move' AND local_message_id IS NOT NULL
   AND uids != '' AND uids NOT GLOB '*[^0-9]*';

-- 004: the FTS row of a new message is written by the store itself, after
-- the other rows of its batch, no longer by a trigger on message_text.
-- SQLite (3.40) calls FTS5's xSavepoint before every statement that needs a
-- statement journal (any INSERT with a trigger, such as the counts on
-- messages), and FTS5 flushes its pending terms to a new segment there: with
-- the trigger, every message of a batch became one tiny segment, and
-- merging them was most of the cost of storing mail. Written last in the
-- batch, by plain INSERTs, the terms of a whole batch go out as one segment.
DROP TRIGGER message_text_ai;

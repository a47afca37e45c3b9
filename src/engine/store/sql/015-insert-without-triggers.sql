-- 015: a new message's folder counts are kept by tern_store_insert_messages,
-- not by a trigger. Any trigger makes SQLite run the INSERT inside a
-- statement savepoint (the rows it writes are more than one, and a NOT
-- NULL or foreign key check may abort), and that savepoint copies every
-- page the insert touches, already dirty in the batch's transaction, to
-- the statement journal: measured with the sqlite3 shell, 3,000 inserts in
-- one transaction wrote 129 MB to that journal with the trigger and none
-- without. Deleting and moving messages keep their triggers (001).
DROP TRIGGER messages_count_ai;

-- 003: indexes for the paged message list (one per sort order, ties broken
-- by date then id so the order is total and stable) and for lookups.

CREATE INDEX messages_folder_date ON messages (folder_id, date, id);
CREATE INDEX messages_folder_sender ON messages (folder_id, sort_sender, date, id);
CREATE INDEX messages_folder_subject ON messages (folder_id, sort_subject, date, id);
CREATE INDEX messages_account_msgid ON messages (account_id, message_id);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX pending_ops_account ON pending_ops (account_id, id);
CREATE INDEX outbox_account ON outbox (account_id, next_attempt);

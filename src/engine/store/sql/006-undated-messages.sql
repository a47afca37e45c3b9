-- 006: mail stored before this version without a readable Date header shows
-- as 1970 and sorts first. From now on such a message is dated by its
-- INTERNALDATE (IMAP) or its download time (POP3); give the old ones the same.
UPDATE messages SET date = internal_date WHERE date <= 0 AND internal_date > 0;

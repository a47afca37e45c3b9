-- 016: the search index keeps a whole batch of new mail in memory before
-- it writes it out. FTS5 writes its pending terms as a new segment when
-- they pass 'hashsize' bytes (1 MB by default), so a sync's chunk of 600
-- messages made several segments, which its automatic merges then wrote
-- again. With the sqlite3 shell on 20,000 synthetic messages of 1-8 KB in
-- transactions of 600: 3.6 s of CPU at 1 MB, 2.65 s at 16 MB (and 2.6 s at
-- 64 MB), the index 4% larger. The memory is held only while a
-- transaction writes to the index.
INSERT INTO message_fts (message_fts, rank) VALUES ('hashsize', 16777216);

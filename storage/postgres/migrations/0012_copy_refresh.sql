-- 0012: posted copies waiting to be corrected or deleted by the dispatcher (issue #17); SQLite's 0019.
--
-- Only the dispatcher sends to Discord, so that several processes never exceed the bot's
-- request rate together. An edit or removal made in another process (a command answered by
-- the process holding that server's shard, or the command line) marks the rows of each posted
-- message it changes with `refresh_due_at`; the dispatcher renders those messages again
-- from the briefings they still show (deleting a message that shows none), then clears the
-- mark. The mark outlives a dispatcher change.

ALTER TABLE deliveries ADD COLUMN refresh_due_at timestamptz;
CREATE INDEX deliveries_refresh_due ON deliveries (refresh_due_at) WHERE refresh_due_at IS NOT NULL;

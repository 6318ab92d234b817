-- 0013: corrections posted as replies when Discord refuses to edit a post (issue #15).
--
-- Discord limits edits of messages older than an hour (30046) and of published messages in
-- announcement channels (20022). When it refuses to edit a posted copy, the engine posts a
-- short correction reply to it instead. `reply_started_at` is set, before that request, on
-- every row of the message (like `started_at`): a reply begun and not recorded (a crash) is
-- looked for on Discord before another is posted. `reply_id` is the reply once Discord took
-- it, so that a later correction of the same briefing edits the reply instead of adding one.

ALTER TABLE deliveries ADD COLUMN reply_id INTEGER;
ALTER TABLE deliveries ADD COLUMN reply_started_at INTEGER;
CREATE INDEX deliveries_reply_begun ON deliveries (channel_id) WHERE reply_started_at IS NOT NULL AND reply_id IS NULL;

-- 0002: what the delivery engine needs beyond 0001.
--
-- A Discord message may carry several briefings (a digest), so outbox rows that
-- share (channel_id, nonce) form one message: `kind` says how to render it,
-- `position` keeps its order, and `content`/`ping_role_id` are frozen when the row
-- is written so a retry after a crash sends exactly what the first attempt sent.
-- `edited_at`/`retracted_at` record corrections and deletions of posted copies.
--
-- `cursor_id` lets each subscription skip briefings it has already decided on
-- (posted, skipped or filtered out), so a run reads only the new ids instead of
-- rescanning every briefing for every channel. It never passes a briefing that
-- is still under embargo.

ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'post' CHECK (kind IN ('post', 'digest'));
ALTER TABLE deliveries ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN content TEXT;
ALTER TABLE deliveries ADD COLUMN ping_role_id INTEGER;
ALTER TABLE deliveries ADD COLUMN edited_at INTEGER;
ALTER TABLE deliveries ADD COLUMN retracted_at INTEGER;
CREATE INDEX deliveries_message ON deliveries (channel_id, nonce);
CREATE INDEX deliveries_posted ON deliveries (channel_id, message_id) WHERE message_id IS NOT NULL;

ALTER TABLE subscriptions ADD COLUMN cursor_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX subscriptions_schedule ON subscriptions (schedule, channel_id);

-- 0005: when a message's send was begun, discussion threads, publishing (issue #15); SQLite's 0012.
--
-- Routes without a nonce (a forum post, a webhook execution) cannot be repeated safely: the
-- engine records here, before the request, that it is about to make it. A pending message
-- with `started_at` set may already be on Discord, so after a crash the engine looks for it
-- there (among the forum's active and archived threads) before creating another. Set on
-- every row of the message, like `attempts`.

ALTER TABLE deliveries ADD COLUMN started_at timestamptz;

-- Subscriptions: a discussion thread on each post in a text or announcement channel
-- (/subscribe ... thread:true), archived after this many minutes without a message (one of
-- Discord's 60, 1440, 4320, 10080); 0: no thread.
ALTER TABLE subscriptions ADD COLUMN thread_archive_minutes integer NOT NULL DEFAULT 0
    CHECK (thread_archive_minutes IN (0, 60, 1440, 4320, 10080));

-- Announcement channels: publish (crosspost) each post to the servers following the channel
-- (/subscribe ... publish:true). Discord allows about 10 publishes per channel an hour, so
-- `published_at` on a delivery counts them; a post left unpublished says why in `last_error`.
ALTER TABLE subscriptions ADD COLUMN publish boolean NOT NULL DEFAULT false;
ALTER TABLE deliveries ADD COLUMN published_at timestamptz;
CREATE INDEX deliveries_published ON deliveries (channel_id, published_at) WHERE published_at IS NOT NULL;

-- Forum and media channels: the subscription's posts are forum posts (threads), known without
-- asking Discord (a process may not yet, or never, hold the channel in its cache).
ALTER TABLE subscriptions ADD COLUMN forum boolean NOT NULL DEFAULT false;

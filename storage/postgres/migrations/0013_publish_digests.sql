-- 0013: publish digests for announcement channels past Discord's publish limit, threads and
-- publishes begun, and forum tags the bot may create (issue #15); SQLite's 0020.
--
-- Discord allows about 10 publishes (crossposts) per announcement channel an hour. A post of
-- a `publish` subscription made past that is not published; its rows get `publish_nonce`,
-- the nonce of the channel's publish digest: one message, posted and published once the
-- channel may publish again, that carries those briefings to the following servers. The
-- digest is a message of its own (not rows of `deliveries`, whose key allows one row per
-- briefing and channel): `state` walks 'open' (gathering) -> 'sending' (recorded before the
-- request: sent again with the same nonce after a crash) -> 'posted' (its `message_id`) ->
-- 'published', or 'failed' with `last_error`. A digest stops gathering once it is sending.

CREATE TABLE publish_digests (
    channel_id    bigint      NOT NULL,
    nonce         text        NOT NULL,
    state         text        NOT NULL DEFAULT 'open'
                  CHECK (state IN ('open', 'sending', 'posted', 'published', 'failed')),
    message_id    bigint,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz,
    published_at  timestamptz,
    last_error    text,
    PRIMARY KEY (channel_id, nonce)
);
CREATE INDEX publish_digests_due ON publish_digests (channel_id) WHERE state IN ('open', 'sending', 'posted');
CREATE INDEX publish_digests_published ON publish_digests (channel_id, published_at) WHERE published_at IS NOT NULL;

ALTER TABLE deliveries ADD COLUMN publish_nonce text;
CREATE INDEX deliveries_publish_digest ON deliveries (channel_id, publish_nonce) WHERE publish_nonce IS NOT NULL;

-- A post's discussion thread and its publish carry no nonce: the engine records here, before
-- either request, that it may have been made (set on every row of the message, like
-- `started_at`). A message still pending with it set (a crash) is read back from Discord
-- (its HAS_THREAD and CROSSPOSTED flags) before the thread or the publish is asked for again.
ALTER TABLE deliveries ADD COLUMN followups_started_at timestamptz;

-- Forum and media channels: create the forum tags a post's topics name and the forum lacks
-- (/subscribe ... create_tags:true; needs Manage Channels, within Discord's 20 tags a forum).
ALTER TABLE subscriptions ADD COLUMN create_tags boolean NOT NULL DEFAULT false;

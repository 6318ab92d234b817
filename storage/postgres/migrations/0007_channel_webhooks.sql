-- 0007: branded webhooks (issue #15); SQLite's 0014.
--
-- `/subscribe ... webhook:true` posts a channel's briefings through a webhook the bot creates
-- there, under the name and avatar the manager chose. The webhook's token is what executes,
-- edits and deletes its messages, so it is kept here: it is a secret like the bot's token
-- (never logged or shown; a copy or backup of the database carries it). `lost` counts the
-- times the webhook was found deleted on Discord: the first time it is recreated, the second
-- the subscription is paused. The row goes with its subscription.

CREATE TABLE channel_webhooks (
    channel_id  bigint PRIMARY KEY
        REFERENCES subscriptions (channel_id) ON DELETE CASCADE ON UPDATE CASCADE,
    webhook_id  bigint NOT NULL,
    token       text NOT NULL,
    name        text NOT NULL,
    avatar_url  text,
    lost        integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL
);

-- Whether the subscription posts through its webhook, kept with the row above (set and cleared
-- with it) so that the engine, which reads the subscription before every channel's sends, asks
-- for a webhook only where there is one.
ALTER TABLE subscriptions ADD COLUMN webhook boolean NOT NULL DEFAULT false;

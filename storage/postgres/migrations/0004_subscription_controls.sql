-- 0004: what managers control beyond a schedule and its filters (issue #16); SQLite's 0011.
--
-- Subscriptions: excluded topics and keywords (they beat the includes), topic roles (a
-- post carrying a topic mentions that topic's role; members opt in with /notify) as a
-- JSON array of [topic, role_id], a cap on an instant channel's posts an hour, whether and
-- when it was paused by hand (who did it is only logged: the database keeps no user ids),
-- and the channels it was moved from (their deliveries are its history, and what went
-- there is not posted again).
--
-- Deliveries: a message may now mention several roles, so `ping_role_ids` takes over from
-- `ping_role_id`, which is no longer written; pending rows keep their role. `hold_until`
-- marks the rows of an hourly cap's digest: the message is not sent before then, and every
-- run in that hour adds its rows under the same nonce. The index on (channel_id,
-- created_at) serves the delivery log and the cap's count of recent posts.

ALTER TABLE subscriptions
    ADD COLUMN exclude_topics   text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN exclude_keywords text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN topic_roles      jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN max_per_hour     integer     NOT NULL DEFAULT 0 CHECK (max_per_hour >= 0),
    ADD COLUMN paused_by_hand   boolean     NOT NULL DEFAULT false,
    ADD COLUMN paused_at        timestamptz,
    ADD COLUMN moved_from       bigint[]    NOT NULL DEFAULT '{}';

ALTER TABLE deliveries
    ADD COLUMN ping_role_ids bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN hold_until    timestamptz;
UPDATE deliveries SET ping_role_ids = ARRAY[ping_role_id]
    WHERE state = 'pending' AND ping_role_id IS NOT NULL;
CREATE INDEX deliveries_channel_recent ON deliveries (channel_id, created_at);

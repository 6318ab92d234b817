-- 0011: what managers control beyond a schedule and its filters (issue #16).
--
-- Subscriptions: excluded topics and keywords (they beat the includes), topic roles (a
-- post carrying a topic mentions that topic's role; members opt in with /notify), a cap
-- on an instant channel's posts an hour, whether and when it was paused by hand (who did it
-- is only logged: the database keeps no user ids), and the channels it was moved from (their
-- deliveries are its history, and what went there is not posted again). JSON arrays as
-- `topics` and `keywords` are; topic_roles is [[topic, role_id], ...].
--
-- Deliveries: a message may now mention several roles, so `ping_role_ids` (a JSON array)
-- takes over from `ping_role_id`, which is no longer written; pending rows keep their role.
-- `hold_until` marks the rows of an hourly cap's digest: the message is not sent before
-- then, and every run in that hour adds its rows under the same nonce. The index on
-- (channel_id, created_at) serves the delivery log and the cap's count of recent posts.

ALTER TABLE subscriptions ADD COLUMN exclude_topics TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN exclude_keywords TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN topic_roles TEXT NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN max_per_hour INTEGER NOT NULL DEFAULT 0 CHECK (max_per_hour >= 0);
ALTER TABLE subscriptions ADD COLUMN paused_by_hand INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN paused_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN moved_from TEXT NOT NULL DEFAULT '[]';

ALTER TABLE deliveries ADD COLUMN ping_role_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deliveries ADD COLUMN hold_until INTEGER;
UPDATE deliveries SET ping_role_ids = json_array(ping_role_id)
    WHERE state = 'pending' AND ping_role_id IS NOT NULL;
CREATE INDEX deliveries_channel_recent ON deliveries (channel_id, created_at);

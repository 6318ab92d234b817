-- 0003: IDENTIFY turns shared by the bot processes of one database (issue #17).
--
-- Several processes, each serving its own gateway shards, start their sessions through
-- this table so that together they keep to Discord's session start limit: shards are in
-- rate-limit buckets (shard_id % max_concurrency), and each bucket may IDENTIFY once per
-- 5 seconds. A row holds the time of its bucket's last claim by the server's clock (one
-- clock for every process, whatever their machines' clocks say); a claim is one upsert
-- that only succeeds when that time is old enough, so two processes never take the same
-- turn. SQLite, with one process, keeps its turns in `meta`.

CREATE TABLE gateway_identify (
    bucket      integer     PRIMARY KEY CHECK (bucket >= 0),
    claimed_at  timestamptz NOT NULL
);

-- 0010: the bot processes sharing the database, for `briefbot status` (issue #17); SQLite's 0017.
--
-- Each running process upserts its row every few seconds (`seen_at` by the server's clock,
-- one clock for every machine) and deletes it when it stops cleanly; rows silent for a day
-- are removed by the next beat. Not copied by `db copy`: it describes the processes, not
-- the archive.

CREATE TABLE processes (
    key         text        PRIMARY KEY,
    host        text        NOT NULL,
    pid         integer     NOT NULL,
    shards      text        NOT NULL,
    started_at  timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL DEFAULT now(),
    dispatcher  boolean     NOT NULL DEFAULT false
);

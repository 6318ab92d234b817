-- 0017: the bot processes using the database, for `briefbot status` (issue #17).
--
-- Each running process upserts its row every few seconds (`seen_at`, seconds since the
-- epoch) and deletes it when it stops cleanly; rows silent for a day are removed by the next
-- beat. Not copied by `db copy`: it describes the processes, not the archive.

CREATE TABLE processes (
    key         TEXT    PRIMARY KEY,
    host        TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    shards      TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    dispatcher  INTEGER NOT NULL DEFAULT 0
);

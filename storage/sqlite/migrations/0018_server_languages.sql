-- 0018: each server's preferred language, as the process serving it saw it (issue #17).
--
-- A post is written in its server's language; only the process that serves a server's
-- gateway shard knows that language, and the dispatcher that posts may serve other shards.
-- Each process records its servers' `preferred_locale` here (when a shard is ready, when it
-- joins a server and when a server changes it); the dispatcher reads it for servers it does
-- not serve. Not copied by `db copy`: the processes write it again when they connect.

CREATE TABLE server_languages (
    guild_id    INTEGER PRIMARY KEY,
    locale      TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL
);

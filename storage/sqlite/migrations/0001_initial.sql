-- 0001: the first schema. Briefings with their precomputed summaries, quotes and
-- speakers (so /quote and its autocomplete are indexed look-ups), tags, an FTS5
-- index kept in step by the storage layer, subscriptions, and the delivery outbox
-- that makes posting exactly-once (one row per channel and briefing).

CREATE TABLE briefings (
    id                INTEGER PRIMARY KEY,
    title             TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    published_at      INTEGER NOT NULL,          -- unix seconds, UTC
    source_url        TEXT    UNIQUE,            -- NULLs never collide
    fingerprint       TEXT    NOT NULL UNIQUE,   -- normalised title+body hash
    language          TEXT    NOT NULL,
    tags              TEXT    NOT NULL DEFAULT '[]',  -- JSON array, for display
    summary_short     TEXT    NOT NULL,
    summary_standard  TEXT    NOT NULL,
    summary_detailed  TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    corrected_at      INTEGER
);
CREATE INDEX briefings_published ON briefings (published_at DESC, id DESC);

CREATE TABLE briefing_tags (
    tag          TEXT    NOT NULL,
    briefing_id  INTEGER NOT NULL REFERENCES briefings (id) ON DELETE CASCADE,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (tag, published_at, briefing_id)
) WITHOUT ROWID;
CREATE INDEX briefing_tags_briefing ON briefing_tags (briefing_id);

CREATE TABLE speakers (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role  TEXT,
    quote_count INTEGER NOT NULL DEFAULT 0
);

-- Every word of a speaker's name, lower-cased, so a surname finds the full name.
CREATE TABLE speaker_terms (
    term       TEXT    NOT NULL,
    speaker_id INTEGER NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    PRIMARY KEY (term, speaker_id)
) WITHOUT ROWID;

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    briefing_id  INTEGER NOT NULL REFERENCES briefings (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    speaker_id   INTEGER REFERENCES speakers (id),
    speaker_role TEXT,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    score        REAL    NOT NULL,
    published_at INTEGER NOT NULL,   -- copied from the briefing: newest-first per speaker
    UNIQUE (briefing_id, position)
);
CREATE INDEX quotes_speaker ON quotes (speaker_id, published_at DESC);
CREATE INDEX quotes_published ON quotes (published_at DESC, score DESC);

CREATE VIRTUAL TABLE briefings_fts USING fts5 (
    title, summary, quotes, body, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TABLE subscriptions (
    channel_id        INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    schedule          TEXT    NOT NULL CHECK (schedule IN ('instant', 'hourly', 'daily', 'weekly')),
    time              TEXT,
    weekday           INTEGER CHECK (weekday BETWEEN 0 AND 6),
    timezone          TEXT    NOT NULL,
    topics            TEXT    NOT NULL DEFAULT '[]',
    keywords          TEXT    NOT NULL DEFAULT '[]',
    role_id           INTEGER,
    alerts_channel_id INTEGER,
    since_briefing_id INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    paused_reason     TEXT,
    failures          INTEGER NOT NULL DEFAULT 0,
    last_run_at       INTEGER,
    last_delivery_at  INTEGER
);
CREATE INDEX subscriptions_guild ON subscriptions (guild_id);

-- The outbox. A row exists before anything is sent; the unique key makes a second
-- delivery of the same briefing to the same channel impossible.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    briefing_id INTEGER NOT NULL,
    nonce       TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
    message_id  INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    UNIQUE (channel_id, briefing_id)
);
CREATE INDEX deliveries_pending ON deliveries (channel_id) WHERE state = 'pending';
CREATE INDEX deliveries_briefing ON deliveries (briefing_id);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

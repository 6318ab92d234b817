-- 0010: sources (feeds and pages briefings arrive from by themselves), every entry seen in
-- them, and the drafts of review-mode sources.
--
-- A source row is also the poller's record: the validators for the next conditional GET,
-- consecutive failures, and when it is next due (the poller claims due rows by moving
-- next_poll_at forward, so the database, not a timer, says what is scheduled).
--
-- source_entries remembers each entry once seen, whatever became of it, under a unique
-- key: that memory is what makes an entry import once across restarts, and makes a
-- rejected draft or a briefing removed by hand stay gone. briefing_id is not a foreign
-- key for that reason: the entry outlives its briefing. An entry outlives its source too
-- (source_id is set NULL), so re-adding a feed imports nothing twice.
--
-- A review-mode draft is an entry in state 'draft' holding the draft's text as JSON: it
-- is not a briefing, so readers, search and delivery cannot see it, and approving it adds
-- a briefing through the normal path (a new id, which the delivery cursors have not
-- passed yet).

CREATE TABLE sources (
    id               INTEGER PRIMARY KEY,
    url              TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    topics           TEXT    NOT NULL DEFAULT '[]',   -- JSON array
    language         TEXT,
    timezone         TEXT    NOT NULL DEFAULT 'UTC',
    interval_minutes INTEGER NOT NULL CHECK (interval_minutes >= 2),
    mode             TEXT    NOT NULL CHECK (mode IN ('publish', 'review')),
    full_text        INTEGER NOT NULL DEFAULT 0,
    status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'failing', 'paused')),
    status_reason    TEXT,
    etag             TEXT,
    last_modified    TEXT,
    failures         INTEGER NOT NULL DEFAULT 0,
    next_poll_at     INTEGER NOT NULL,
    last_polled_at   INTEGER,
    last_success_at  INTEGER,
    created_at       INTEGER NOT NULL,
    added_by         INTEGER
);
CREATE INDEX sources_due ON sources (next_poll_at) WHERE status <> 'paused';

CREATE TABLE source_entries (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    key          TEXT    NOT NULL UNIQUE,
    link         TEXT,
    entry_hash   TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('published', 'draft', 'rejected', 'skipped')),
    fingerprint  TEXT,
    briefing_id  INTEGER,
    draft        TEXT,                              -- JSON, while state = 'draft'
    copies_stale INTEGER NOT NULL DEFAULT 0,
    seen_at      INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX source_entries_link ON source_entries (link) WHERE link IS NOT NULL;
CREATE INDEX source_entries_drafts ON source_entries (id) WHERE state = 'draft';
CREATE INDEX source_entries_stale ON source_entries (id) WHERE copies_stale = 1;
CREATE INDEX source_entries_source ON source_entries (source_id);

-- 0009: how sure each quote's attribution is, and editors' corrections of quotes.
--
-- The quote finder abstains below a confidence threshold (no name rather than a guessed
-- one); the confidence is kept so an editor reviewing a briefing sees which attributions
-- were readings of the context. Quotes stored before this have no measure: 1.0.
--
-- Corrections are kept apart from the analysis, which is recomputed whenever a
-- briefing's text changes: each is keyed by the quote's exact words and applied every
-- time the briefing's quotes are written. One correction of each kind per quote; one key
-- quote per briefing (the service replaces the old one).

ALTER TABLE quotes ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;

CREATE TABLE quote_corrections (
    briefing_id  INTEGER NOT NULL REFERENCES briefings (id) ON DELETE CASCADE,
    quote_text   TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('speaker', 'drop', 'add', 'key')),
    speaker      TEXT,
    speaker_role TEXT,
    editor_id    INTEGER,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (briefing_id, quote_text, kind)
);

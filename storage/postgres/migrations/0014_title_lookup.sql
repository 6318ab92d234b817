-- 0014: the title terms in a narrow table of their own, for autocomplete and /summary by
-- title words (issue #17). No SQLite counterpart: its `titles_fts` (0005) is already one.
--
-- A title lookup reads every briefing whose title matches before it can choose the newest:
-- GIN returns matches in no order. From `briefings`, whose rows hold about 3.4 KB each in
-- the main heap (body, summaries and the search document), each match cost a page read.
-- Here a row is the id, title, publish time and title terms (about 300 bytes), so the table
-- and its index stay small enough for the server's cache. A trigger keeps it in step with
-- every write to `briefings`, and the foreign key removes a row with its briefing.

CREATE TABLE briefing_titles (
    id            bigint      PRIMARY KEY REFERENCES briefings (id) ON DELETE CASCADE,
    title         text        NOT NULL,
    published_at  timestamptz NOT NULL,
    titles        tsvector    NOT NULL
);
INSERT INTO briefing_titles (id, title, published_at, titles)
    SELECT id, title, published_at, titles FROM briefings;
CREATE INDEX briefing_titles_terms ON briefing_titles USING gin (titles);
DROP INDEX briefings_titles;

CREATE FUNCTION briefing_titles_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO briefing_titles (id, title, published_at, titles)
        VALUES (NEW.id, NEW.title, NEW.published_at, NEW.titles)
        ON CONFLICT (id) DO UPDATE
        SET title = excluded.title, published_at = excluded.published_at, titles = excluded.titles;
    RETURN NULL;
END
$$;
CREATE TRIGGER briefings_titles_sync AFTER INSERT OR UPDATE OF title, published_at, titles ON briefings
    FOR EACH ROW EXECUTE FUNCTION briefing_titles_sync();

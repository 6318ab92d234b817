-- 0005: titles_fts keeps its own copy of each title and publish time, indexes prefixes
-- up to eight characters, and is written by the storage layer on insert instead of by
-- a trigger.
--
-- Title autocomplete read the newest 200 matches from titles_fts and then looked each
-- up in briefings, one random read of a large row (the body) per match: 1-2 ms at
-- 100k. A title and a timestamp stored beside the index fill a page with dozens of
-- rows. Typed prefixes of four to eight characters had no prefix index, so FTS5
-- merged the doclist of every matching term (1.5 ms for "talks" at 100k).
--
-- The insert trigger made every INSERT INTO briefings a statement with a trigger,
-- which opens a statement savepoint, and FTS5 flushes its pending terms at each
-- savepoint: in a batch import, each briefing's full-text data (both tables) was
-- written out as its own segment. Inserted explicitly, a batch is one segment at
-- COMMIT (0.39 -> 0.02 ms per briefing). Edits and removals are rare and still
-- follow by trigger.

DROP TRIGGER briefings_titles_insert;
DROP TRIGGER briefings_titles_delete;
DROP TRIGGER briefings_titles_update;
DROP TABLE titles_fts;

CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title,
    published_at UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4 5 6 7 8'
);
INSERT INTO titles_fts (rowid, title, published_at) SELECT id, title, published_at FROM briefings;
INSERT INTO titles_fts (titles_fts) VALUES ('optimize');

CREATE TRIGGER briefings_titles_delete AFTER DELETE ON briefings BEGIN
    DELETE FROM titles_fts WHERE rowid = old.id;
END;
CREATE TRIGGER briefings_titles_update AFTER UPDATE OF title, published_at ON briefings BEGIN
    UPDATE titles_fts SET title = new.title, published_at = new.published_at WHERE rowid = new.id;
END;

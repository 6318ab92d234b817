-- 0003: a title-only full-text index for autocomplete.
--
-- Title autocomplete used briefings_fts with a {title} column filter, but FTS5
-- doclists span every column, so a typed prefix read the matches in every body
-- too and the cost grew with the archive (about 0.5 s for "pla" at 100k). Titles
-- alone are small. Triggers keep it in step with briefings, whoever writes them.

CREATE VIRTUAL TABLE titles_fts USING fts5 (
    title,
    content = 'briefings',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO titles_fts (titles_fts) VALUES ('rebuild');

CREATE TRIGGER briefings_titles_insert AFTER INSERT ON briefings BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER briefings_titles_delete AFTER DELETE ON briefings BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER briefings_titles_update AFTER UPDATE OF title ON briefings BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;

-- 0015: the search documents move to a table of their own, in buckets of 10,000 ids, so a
-- /search reads only the newest matches its window needs (issue #17). No SQLite
-- counterpart: its FTS5 shards by id range (0007) are the same idea, walked the same way
-- (storage/sqlite/_search.py; storage/postgres/_search.py here).
--
-- GIN returns matches in no order, so a search of `briefings.search` read every match of
-- the archive (a heap row and its out-of-line document each) to keep the newest thousand,
-- or walked back from the newest briefing fetching each document from TOAST to test it.
-- Here each row holds its bucket (id / 10000), publish time and document, kept in the row
-- (STORAGE MAIN: a tsvector hardly compresses, and out of line it costs a TOAST look-up per
-- test). A search walks the buckets newest first and stops once its window is full; in a
-- bucket it either reads the matches from the GIN index on (document, bucket) (a rare
-- word), or walks the bucket's ids down (bucket, id) testing each document until the window
-- is full (a common word), as the planner estimates cheaper.
--
-- The bucket is a one-element integer array, not an integer: GIN indexes an array with its
-- built-in array_ops, while an integer in a GIN index needs the btree_gin extension (CREATE
-- on the database for the bot's role, an object outside the schema that the index then
-- depends on, and a one-schema `briefbot db backup` that cannot be restored into a fresh
-- database). Nor is the bucket a term of the document (`~b12`): a match of a document
-- against a query that varies per bucket is estimated at a fixed 0.5% of rows, so the
-- planner would read a common word's every match in a bucket from GIN (4,694 rows, 6,471
-- heap pages for "budget" at 100k) rather than walk 1,060 ids; `bucket = ARRAY[k]` is
-- estimated from the column's distinct values, as the integer was.
--
-- The document is stored here and no longer in `briefings`: the column and its index go,
-- and CLUSTER rewrites `briefings` so that the space its documents held is given back
-- rather than kept by the dropped column. The storage layer writes both tables in one
-- statement (storage/postgres/_writes.py, _transfer.py); the foreign key removes a row
-- with its briefing.

CREATE TABLE briefing_search (
    id            bigint      PRIMARY KEY REFERENCES briefings (id) ON DELETE CASCADE,
    bucket        integer[]   GENERATED ALWAYS AS (ARRAY[(id / 10000)::integer]) STORED,
    published_at  timestamptz NOT NULL,
    search        tsvector    NOT NULL
);
ALTER TABLE briefing_search ALTER COLUMN search SET STORAGE MAIN;
INSERT INTO briefing_search (id, published_at, search)
    SELECT id, published_at, search FROM briefings ORDER BY id;
CREATE INDEX briefing_search_terms ON briefing_search USING gin (search, bucket);
CREATE INDEX briefing_search_walk ON briefing_search (bucket, id);
ALTER TABLE briefings DROP COLUMN search;
CLUSTER briefings USING briefings_pkey;
ANALYZE briefing_search;
ANALYZE briefings;

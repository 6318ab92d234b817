-- 0006: /quote speaker:X reads the newest quotes of each matching speaker from the
-- index alone.
--
-- A surname is shared by 20-50 speakers in a large archive, and for each of them the
-- newest quotes were found on quotes_speaker (speaker_id, published_at) and then read
-- from the table for their score (the second sort key), ~35 us per speaker. With the
-- score in the index each speaker's newest quotes are its first index entries. The old
-- index is a prefix of the new one, so it goes.

CREATE INDEX quotes_speaker_recent ON quotes (speaker_id, published_at DESC, score DESC);
DROP INDEX quotes_speaker;

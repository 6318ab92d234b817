-- 0016: each process's invalid requests of the last 10 minutes, beside its heartbeat (issue #17);
-- SQLite's 0021.
--
-- Discord bans an address, not a process: the process that posts adds the counts of the
-- other live processes on its host to its own before deciding whether to stop posting.

ALTER TABLE processes ADD COLUMN invalid_requests integer NOT NULL DEFAULT 0;

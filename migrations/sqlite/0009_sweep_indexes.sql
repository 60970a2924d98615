-- Indexes for the background sweeper's scans, which run many times a
-- second under load (after party changes). Without them each scan read
-- every running party (the planner chose the status index and sorted)
-- or every open phraseset of every party.

-- Running parties past their phase deadline, earliest first.
DROP INDEX party_sessions_deadline;
CREATE INDEX party_sessions_deadline ON party_sessions (status, phase_expires_at);

-- Open or running parties without activity since a time, oldest first.
CREATE INDEX party_sessions_activity ON party_sessions (status, last_activity_at);

-- Solo-game phrasesets due to finalize (party phrasesets settle with
-- their party and are never due here).
CREATE INDEX phrasesets_due ON phrasesets (status, party_session_id, vote_count);

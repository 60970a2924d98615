-- Party history, personal stats and leaderboards (README "History, stats
-- and leaderboards"). One row per participant of a party that ended with
-- results (it reached RESULTS, or was abandoned after its start), written
-- once, in the transaction that settled the party: the rankings row as
-- the results showed it then. Nothing changes a party's results after its
-- settlement, so the row is a stored fact, never a running counter; every
-- stat and board is a query over these rows (and the party's phrasesets).
-- Parties that ended before this migration have no rows.

CREATE TABLE party_standings (
    session_id        UUID NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id         UUID NOT NULL REFERENCES players (player_id),
    -- When the party reached RESULTS or was abandoned.
    ended_at          BIGINT NOT NULL,
    -- false: abandoned after its start (it counts as played, never as won).
    completed         BOOLEAN NOT NULL,
    is_bot            BOOLEAN NOT NULL,
    rank              INTEGER NOT NULL CHECK (rank >= 1),
    net_coins         BIGINT NOT NULL,
    votes             INTEGER NOT NULL,
    correct_votes     INTEGER NOT NULL,
    -- Votes their originals drew and voters their copies fooled, in the
    -- party's own sets (the results' votes_on_originals and votes_fooled).
    original_votes    INTEGER NOT NULL,
    copy_votes_fooled INTEGER NOT NULL,
    PRIMARY KEY (session_id, player_id)
);

-- A player's parties, newest first (history pages, stats, streaks).
CREATE INDEX party_standings_player ON party_standings (player_id, ended_at, session_id);

-- The weekly boards: the period's rows of people, by end time.
CREATE INDEX party_standings_period ON party_standings (ended_at) WHERE NOT is_bot;

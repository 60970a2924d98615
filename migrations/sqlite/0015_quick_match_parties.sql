-- How a party was formed (issue 15): the lobbies quick match formed, so
-- their status can say `listing: "quick_match"` for as long as they exist.
-- quick_matches cannot tell it: it keeps only each player's last match and
-- forgets it when they queue again. One row per such lobby (and per
-- play-again lobby that follows one); it goes with the lobby. Public
-- parties need nothing new: party_listings already names them for good.
--
-- Idempotent and cheap: the table is made only if missing, and the
-- backfill reads quick_matches (at most one row per player), marking the
-- lobbies it still names; a lobby every player of which has since queued
-- again is no longer known and reads as private.

CREATE TABLE IF NOT EXISTS quick_match_parties (
    session_id  BLOB   PRIMARY KEY REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    formed_at   BIGINT NOT NULL
);

INSERT OR IGNORE INTO quick_match_parties (session_id, formed_at)
SELECT session_id, MIN(matched_at) FROM quick_matches GROUP BY session_id;

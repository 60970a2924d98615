-- Matchmaking (issue 15): the quick-match queue, the lobbies it formed
-- and the public lobby list.
--
-- quick_match_queue holds one row per queued player. queue_seq orders the
-- queue (oldest first) even when two players queue in the same
-- millisecond or under the manual test clock. bot_fill_at is when the
-- player's party is filled with bots (NULL: humans only). Formation takes
-- rows and deletes them in the transaction that creates the party, so a
-- row is either still queued or matched, never both.
--
-- quick_matches remembers, per player, the lobby their last quick match
-- put them in (for GET /party/quick-match and the player socket's
-- quick_match_formed); it goes with the lobby.
--
-- party_listings names the public lobbies (no row: not listed); the list
-- reads it newest first, by listing_seq (the same millisecond, or the
-- manual test clock, still has an order).

CREATE TABLE quick_match_queue (
    queue_seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    player_id    BLOB   NOT NULL UNIQUE REFERENCES players (player_id),
    queued_at    BIGINT NOT NULL,
    bot_fill_at  BIGINT
);
-- The sweeper's scan for due bot fills, earliest first.
CREATE INDEX quick_match_queue_due ON quick_match_queue (bot_fill_at) WHERE bot_fill_at IS NOT NULL;

CREATE TABLE quick_matches (
    player_id   BLOB   PRIMARY KEY REFERENCES players (player_id),
    session_id  BLOB   NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    matched_at  BIGINT NOT NULL
);
CREATE INDEX quick_matches_session ON quick_matches (session_id);

CREATE TABLE party_listings (
    listing_seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id  BLOB   NOT NULL UNIQUE REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    listed_at   BIGINT NOT NULL
);

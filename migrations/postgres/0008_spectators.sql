-- Spectators (README "Spectators"): who watches a party without playing
-- in it. A row is written when a player asks to spectate and removed when
-- they stop, join the party as a player, or the party goes; the sockets
-- themselves are kept in memory only (no row per socket), so thousands of
-- spectators cost the database nothing while they watch. The table is
-- shared by every instance, so the cap, the listed names and the "join
-- next game" queue are the same whichever instance answers.
-- next_game_rank: the spectator's place in the party's "join next game"
-- queue (1, 2, …, NULL: not asked), served in that order at play-again. A
-- rank rather than a time: two requests in the same millisecond (or under
-- the manual test clock) still have an order.

CREATE TABLE party_spectators (
    session_id    UUID   NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id     UUID   NOT NULL REFERENCES players (player_id),
    joined_at     BIGINT NOT NULL,
    next_game_rank BIGINT,
    PRIMARY KEY (session_id, player_id)
);
CREATE INDEX party_spectators_order ON party_spectators (session_id, joined_at);

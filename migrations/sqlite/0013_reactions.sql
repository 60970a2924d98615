-- Reactions and the favourite phrase (README "Reactions and the favourite
-- phrase"). Once a party has results, each participant may give each of
-- its phrases one reaction and name one phrase of the party their
-- favourite. A phrase is its phraseset and its role there. Counts are
-- never stored: they are COUNT(*) over these rows, so nothing can drift;
-- changing a reaction or a favourite replaces the row (the primary keys
-- make "one per phrase per player" and "one favourite per party" rules of
-- the database), removing it deletes the row.

CREATE TABLE party_reactions (
    session_id    BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    phraseset_id  BLOB NOT NULL REFERENCES phrasesets (phraseset_id),
    role          TEXT NOT NULL CHECK (role IN ('original', 'copy1', 'copy2')),
    player_id     BLOB NOT NULL REFERENCES players (player_id),
    reaction      TEXT NOT NULL CHECK (reaction IN ('laugh', 'love', 'wow', 'fire', 'facepalm')),
    reacted_at    BIGINT NOT NULL,
    PRIMARY KEY (phraseset_id, role, player_id)
);
-- The party's counts, and a player's own reactions.
CREATE INDEX party_reactions_session ON party_reactions (session_id, player_id);

CREATE TABLE party_favourites (
    session_id    BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id     BLOB NOT NULL REFERENCES players (player_id),
    phraseset_id  BLOB NOT NULL REFERENCES phrasesets (phraseset_id),
    role          TEXT NOT NULL CHECK (role IN ('original', 'copy1', 'copy2')),
    voted_at      BIGINT NOT NULL,
    PRIMARY KEY (session_id, player_id)
);

-- Party chat (README "Party chat"): the players' messages in a party's
-- lobby and results, stored with the party so its participants read them
-- again in its history. message_id numbers a party's messages 1, 2, 3…
-- (taken under the session's lock), so pages are keyed on it and two
-- messages in the same millisecond still have an order. The rows go with
-- the party (a deleted lobby takes its chat with it).

CREATE TABLE party_chat_messages (
    session_id BLOB    NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    message_id BIGINT  NOT NULL CHECK (message_id >= 1),
    player_id  BLOB    NOT NULL REFERENCES players (player_id),
    text       TEXT    NOT NULL,
    sent_at    BIGINT  NOT NULL,
    PRIMARY KEY (session_id, message_id)
);

-- Mutes: muter no longer sees muted's party chat (live or listed). A mute
-- is between two players, not one party: it holds in every party's chat,
-- past ones included, until it is lifted.
CREATE TABLE party_chat_mutes (
    muter_id   BLOB   NOT NULL REFERENCES players (player_id),
    muted_id   BLOB   NOT NULL REFERENCES players (player_id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (muter_id, muted_id),
    CHECK (muter_id <> muted_id)
);
-- Who muted a sender (the live fan-out's one read per message).
CREATE INDEX party_chat_mutes_muted ON party_chat_mutes (muted_id);

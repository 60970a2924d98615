-- Who plays with whom (issue 15): private parties, friends, blocks and
-- party invites.
--
-- party_access holds the mode of a lobby that is not open (no row: open),
-- with the argon2 hash of its password in password mode. Invites live
-- while their lobby does (they cascade with it) and count only while it
-- is in LOBBY. Friendships are stored once per direction, so "my friends"
-- is one index range; a request is one row from its sender; a block is
-- one row from the blocker. player_sockets counts the player sockets
-- (GET /qf/player/ws) each instance holds, for presence, like
-- party_sockets does for party sockets.

CREATE TABLE party_access (
    session_id     UUID PRIMARY KEY REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    mode           TEXT NOT NULL CHECK (mode IN ('password', 'invite_only')),
    password_hash  TEXT,
    CHECK ((mode = 'password') = (password_hash IS NOT NULL))
);

CREATE TABLE party_invites (
    session_id  UUID NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    invitee_id  UUID NOT NULL REFERENCES players (player_id),
    inviter_id  UUID NOT NULL REFERENCES players (player_id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, invitee_id)
);
CREATE INDEX party_invites_invitee ON party_invites (invitee_id);

CREATE TABLE friendships (
    player_id   UUID NOT NULL REFERENCES players (player_id),
    friend_id   UUID NOT NULL REFERENCES players (player_id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (player_id, friend_id),
    CHECK (player_id <> friend_id)
);

CREATE TABLE friend_requests (
    from_id     UUID NOT NULL REFERENCES players (player_id),
    to_id       UUID NOT NULL REFERENCES players (player_id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (from_id, to_id),
    CHECK (from_id <> to_id)
);
CREATE INDEX friend_requests_to ON friend_requests (to_id);

CREATE TABLE player_blocks (
    blocker_id  UUID NOT NULL REFERENCES players (player_id),
    blocked_id  UUID NOT NULL REFERENCES players (player_id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);

CREATE TABLE player_sockets (
    instance_id  UUID NOT NULL REFERENCES server_instances (instance_id) ON DELETE CASCADE,
    player_id    UUID NOT NULL REFERENCES players (player_id),
    sockets      INTEGER NOT NULL CHECK (sockets > 0),
    PRIMARY KEY (instance_id, player_id)
);
CREATE INDEX player_sockets_player ON player_sockets (player_id);
CREATE INDEX party_sockets_player ON party_sockets (player_id);

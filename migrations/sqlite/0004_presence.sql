-- Presence across server instances. Each running party-server registers
-- itself and refreshes seen_at on a heartbeat; party_sockets counts the
-- sockets each instance holds per party member. A member is CONNECTED
-- while any instance holds a socket for them. When an instance dies
-- without closing its sockets, another one sees its heartbeat stop,
-- deletes it (its socket rows go with it) and recomputes presence.

CREATE TABLE server_instances (
    instance_id  BLOB PRIMARY KEY,
    started_at   BIGINT NOT NULL,
    seen_at      BIGINT NOT NULL
);

CREATE TABLE party_sockets (
    instance_id  BLOB NOT NULL REFERENCES server_instances (instance_id) ON DELETE CASCADE,
    session_id   BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id    BLOB NOT NULL REFERENCES players (player_id),
    sockets      INTEGER NOT NULL CHECK (sockets > 0),
    PRIMARY KEY (instance_id, session_id, player_id)
);
CREATE INDEX party_sockets_member ON party_sockets (session_id, player_id);

-- Party Mode (plan §2): sessions, participants, the rounds and phrasesets
-- played in a party, the up-front copy and vote assignments, the event log
-- the WebSocket replays, and the creation log behind the hourly limit.

CREATE TABLE party_sessions (
    session_id          BLOB PRIMARY KEY,
    -- Upper-case; joins compare upper-cased input, so codes match case-insensitively.
    party_code          TEXT NOT NULL,
    host_player_id      BLOB NOT NULL REFERENCES players (player_id),
    min_players         INTEGER NOT NULL CHECK (min_players BETWEEN 3 AND 8),
    max_players         INTEGER NOT NULL CHECK (max_players BETWEEN 3 AND 8),
    prompts_per_player  INTEGER NOT NULL CHECK (prompts_per_player BETWEEN 1 AND 3),
    copies_per_player   INTEGER NOT NULL CHECK (copies_per_player = 2 * prompts_per_player),
    votes_per_player    INTEGER NOT NULL CHECK (votes_per_player BETWEEN 1 AND 5),
    -- NULL: each phase lasts its quota times the round timer.
    phase_seconds       BIGINT,
    current_phase       TEXT NOT NULL CHECK (current_phase IN ('LOBBY', 'PROMPT', 'COPY', 'VOTE', 'RESULTS', 'COMPLETED')),
    phase_started_at    BIGINT,
    phase_expires_at    BIGINT,
    status              TEXT NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'COMPLETED', 'ABANDONED')),
    -- Kept in step with the participant rows; the CHECK makes a join past
    -- max_players impossible even when two joins race.
    participant_count   INTEGER NOT NULL DEFAULT 0,
    locked_at           BIGINT,
    created_at          BIGINT NOT NULL,
    started_at          BIGINT,
    completed_at        BIGINT,
    last_activity_at    BIGINT NOT NULL,
    -- Bumped by every state change (compare-and-set guard).
    version             BIGINT NOT NULL DEFAULT 0,
    -- The last event's sequence number: gapless, one per event.
    event_seq           BIGINT NOT NULL DEFAULT 0,
    -- The lobby opened by play-again.
    next_session_id     BLOB,
    -- The bot that writes copies missing at the COPY deadline.
    standin_player_id   BLOB REFERENCES players (player_id),
    CONSTRAINT party_sessions_code_unique UNIQUE (party_code),
    CONSTRAINT party_sessions_capacity CHECK (participant_count BETWEEN 0 AND max_players),
    CONSTRAINT party_sessions_min_max CHECK (min_players <= max_players)
);
CREATE INDEX party_sessions_status ON party_sessions (status, created_at);
CREATE INDEX party_sessions_host ON party_sessions (host_player_id);
CREATE INDEX party_sessions_deadline ON party_sessions (phase_expires_at) WHERE status = 'IN_PROGRESS';

CREATE TABLE party_participants (
    participant_id     BLOB PRIMARY KEY,
    session_id         BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id          BLOB NOT NULL REFERENCES players (player_id),
    status             TEXT NOT NULL CHECK (status IN ('JOINED', 'READY', 'ACTIVE', 'COMPLETED', 'LEFT')),
    is_host            BOOLEAN NOT NULL DEFAULT FALSE,
    is_bot             BOOLEAN NOT NULL DEFAULT FALSE,
    -- True while the session is open or running and the player is in it;
    -- the partial unique index below makes "one party at a time" a database rule.
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    connection_status  TEXT NOT NULL DEFAULT 'DISCONNECTED' CHECK (connection_status IN ('CONNECTED', 'DISCONNECTED')),
    prompts_submitted  INTEGER NOT NULL DEFAULT 0,
    copies_submitted   INTEGER NOT NULL DEFAULT 0,
    votes_submitted    INTEGER NOT NULL DEFAULT 0,
    -- Effective quotas, fixed when the COPY and VOTE phases begin.
    copies_required    INTEGER NOT NULL DEFAULT 0,
    votes_required     INTEGER NOT NULL DEFAULT 0,
    joined_at          BIGINT NOT NULL,
    ready_at           BIGINT,
    last_activity_at   BIGINT,
    left_at            BIGINT,
    -- Bots: when they act next.
    bot_next_action_at BIGINT,
    CONSTRAINT party_participants_once UNIQUE (session_id, player_id)
);
CREATE UNIQUE INDEX party_participants_one_active_party ON party_participants (player_id) WHERE active;
CREATE INDEX party_participants_session ON party_participants (session_id, joined_at);
CREATE INDEX party_participants_bots ON party_participants (bot_next_action_at) WHERE is_bot AND active;

ALTER TABLE rounds ADD COLUMN party_session_id BLOB REFERENCES party_sessions (session_id);
ALTER TABLE phrasesets ADD COLUMN party_session_id BLOB REFERENCES party_sessions (session_id);
CREATE INDEX rounds_party_session ON rounds (party_session_id);
CREATE INDEX phrasesets_party_session ON phrasesets (party_session_id);

CREATE TABLE party_rounds (
    party_round_id  BLOB PRIMARY KEY,
    session_id      BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    round_id        BLOB NOT NULL REFERENCES rounds (round_id),
    -- NULL for rounds the stand-in bot plays.
    participant_id  BLOB REFERENCES party_participants (participant_id) ON DELETE CASCADE,
    round_type      TEXT NOT NULL CHECK (round_type IN ('prompt', 'copy', 'vote')),
    phase           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    CONSTRAINT party_rounds_once UNIQUE (round_id)
);
CREATE INDEX party_rounds_session ON party_rounds (session_id, phase);

CREATE TABLE party_phrasesets (
    party_phraseset_id    BLOB PRIMARY KEY,
    session_id            BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    phraseset_id          BLOB NOT NULL REFERENCES phrasesets (phraseset_id),
    created_in_phase      TEXT NOT NULL,
    available_for_voting  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            BIGINT NOT NULL,
    CONSTRAINT party_phrasesets_once UNIQUE (phraseset_id)
);
CREATE INDEX party_phrasesets_session ON party_phrasesets (session_id);

-- Copy and vote work handed out when a phase begins: each row is one copy
-- of a prompt or one vote on a phraseset owed by a player.
CREATE TABLE party_assignments (
    assignment_id  BLOB PRIMARY KEY,
    session_id     BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    player_id      BLOB NOT NULL REFERENCES players (player_id),
    kind           TEXT NOT NULL CHECK (kind IN ('copy', 'vote')),
    -- The prompt round to copy, or the phraseset to vote on.
    target_id      BLOB NOT NULL,
    position       INTEGER NOT NULL,
    round_id       BLOB REFERENCES rounds (round_id),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'started', 'done', 'forfeited')),
    CONSTRAINT party_assignments_once UNIQUE (session_id, player_id, kind, target_id)
);
CREATE INDEX party_assignments_player ON party_assignments (session_id, player_id, kind, position);
CREATE INDEX party_assignments_round ON party_assignments (round_id);

-- Every event of a party, written in the transaction of the change it
-- describes; the WebSocket replays from here.
CREATE TABLE party_events (
    session_id  BLOB NOT NULL REFERENCES party_sessions (session_id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    event_type  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- Party creations per player, for the hourly limit (kept even when the
-- session itself is removed).
CREATE TABLE party_creations (
    player_id   BLOB NOT NULL REFERENCES players (player_id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX party_creations_player ON party_creations (player_id, created_at);

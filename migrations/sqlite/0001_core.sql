-- Core game schema (SQLite): players and their tokens, the prompt
-- library, rounds, phrasesets, votes and the double-entry ledger.
-- Times are BIGINT milliseconds since the Unix epoch (UTC) on both databases,
-- so the same SQL compares and sorts them the same way everywhere.

CREATE TABLE players (
    player_id           BLOB PRIMARY KEY,
    username            TEXT NOT NULL,
    -- Lower-cased username: uniqueness and login are case-insensitive.
    username_canonical  TEXT NOT NULL,
    email               TEXT,
    password_hash       TEXT,
    is_guest            BOOLEAN NOT NULL,
    is_bot              BOOLEAN NOT NULL DEFAULT FALSE,
    -- The database itself refuses a negative balance, whatever the code does.
    wallet              BIGINT NOT NULL CONSTRAINT players_wallet_non_negative CHECK (wallet >= 0),
    vault               BIGINT NOT NULL CONSTRAINT players_vault_non_negative CHECK (vault >= 0),
    created_at          BIGINT NOT NULL,
    -- UTC day number of the last daily bonus.
    last_bonus_day      BIGINT,
    CONSTRAINT players_username_unique UNIQUE (username_canonical),
    CONSTRAINT players_email_unique UNIQUE (email),
    CONSTRAINT players_registered_have_password CHECK (is_guest OR is_bot OR password_hash IS NOT NULL)
);

-- Only SHA-256 hashes of tokens are stored: a leaked database lets no one in.
CREATE TABLE access_tokens (
    token_hash  TEXT PRIMARY KEY,
    player_id   BLOB NOT NULL REFERENCES players (player_id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX access_tokens_player ON access_tokens (player_id);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    player_id   BLOB NOT NULL REFERENCES players (player_id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_player ON refresh_tokens (player_id);

CREATE TABLE ws_tokens (
    token_hash  TEXT PRIMARY KEY,
    player_id   BLOB NOT NULL REFERENCES players (player_id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);

-- The prompt library, loaded from the build on every start.
CREATE TABLE prompts (
    prompt_id   BIGINT PRIMARY KEY,
    category    TEXT NOT NULL,
    text        TEXT NOT NULL,
    CONSTRAINT prompts_text_unique UNIQUE (text)
);

CREATE TABLE rounds (
    round_id          BLOB PRIMARY KEY,
    player_id         BLOB NOT NULL REFERENCES players (player_id) ON DELETE CASCADE,
    round_type        TEXT NOT NULL CHECK (round_type IN ('prompt', 'copy', 'vote')),
    status            TEXT NOT NULL CHECK (status IN ('active', 'submitted', 'abandoned', 'expired', 'cancelled')),
    cost              BIGINT NOT NULL CHECK (cost >= 0),
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    ended_at          BIGINT,
    -- Prompt and vote rounds: the prompt shown (a player never sees a prompt twice).
    prompt_id         BIGINT REFERENCES prompts (prompt_id),
    prompt_text       TEXT,
    submitted_phrase  TEXT,
    -- Prompt rounds, as entries of the copy queue: when the phrase was
    -- submitted, how many copy rounds hold a slot (active or submitted), and
    -- how many copies are in. At most two copies ever: the CHECKs say so.
    queued_at         BIGINT,
    copy_claims       INTEGER NOT NULL DEFAULT 0 CONSTRAINT rounds_copy_claims_max_two CHECK (copy_claims BETWEEN 0 AND 2),
    copies_done       INTEGER NOT NULL DEFAULT 0 CHECK (copies_done BETWEEN 0 AND 2),
    -- Copy rounds.
    prompt_round_id   BLOB REFERENCES rounds (round_id),
    original_phrase   TEXT,
    discount          BOOLEAN,
    -- Vote rounds: the phraseset and the shuffled order shown to this voter.
    phraseset_id      BLOB REFERENCES phrasesets (phraseset_id),
    phrase_a          TEXT,
    phrase_b          TEXT,
    phrase_c          TEXT
);
-- One active round per player, enforced by the database.
CREATE UNIQUE INDEX rounds_one_active_per_player ON rounds (player_id) WHERE status = 'active';
-- A player copies a prompt at most once.
CREATE UNIQUE INDEX rounds_one_copy_per_prompt ON rounds (prompt_round_id, player_id)
    WHERE round_type = 'copy' AND status IN ('active', 'submitted');
-- A player holds at most one vote round per phraseset.
CREATE UNIQUE INDEX rounds_one_vote_per_phraseset ON rounds (phraseset_id, player_id)
    WHERE round_type = 'vote' AND status IN ('active', 'submitted');
CREATE INDEX rounds_copy_queue ON rounds (queued_at)
    WHERE round_type = 'prompt' AND status = 'submitted' AND copy_claims < 2;
CREATE INDEX rounds_active_expiry ON rounds (expires_at) WHERE status = 'active';
CREATE INDEX rounds_player ON rounds (player_id, round_type);
CREATE INDEX rounds_prompt_round ON rounds (prompt_round_id);
CREATE INDEX rounds_phraseset ON rounds (phraseset_id);

CREATE TABLE phrasesets (
    phraseset_id        BLOB PRIMARY KEY,
    prompt_round_id     BLOB NOT NULL REFERENCES rounds (round_id),
    copy_round_1        BLOB NOT NULL REFERENCES rounds (round_id),
    copy_round_2        BLOB NOT NULL REFERENCES rounds (round_id),
    prompt_id           BIGINT NOT NULL REFERENCES prompts (prompt_id),
    prompt_text         TEXT NOT NULL,
    original_phrase     TEXT NOT NULL,
    copy_phrase_1       TEXT NOT NULL,
    copy_phrase_2       TEXT NOT NULL,
    original_player_id  BLOB NOT NULL REFERENCES players (player_id),
    copy_player_1       BLOB NOT NULL REFERENCES players (player_id),
    copy_player_2       BLOB NOT NULL REFERENCES players (player_id),
    -- Entry costs of the three contributing rounds, for the payout split rule.
    prompt_cost         BIGINT NOT NULL,
    copy_cost_1         BIGINT NOT NULL,
    copy_cost_2         BIGINT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open', 'finalized')),
    prize_pool          BIGINT NOT NULL CONSTRAINT phrasesets_pool_non_negative CHECK (prize_pool >= 0),
    vote_count          INTEGER NOT NULL DEFAULT 0,
    original_votes      INTEGER NOT NULL DEFAULT 0,
    copy_votes_1        INTEGER NOT NULL DEFAULT 0,
    copy_votes_2        INTEGER NOT NULL DEFAULT 0,
    third_vote_at       BIGINT,
    fifth_vote_at       BIGINT,
    created_at          BIGINT NOT NULL,
    finalized_at        BIGINT,
    final_pool          BIGINT,
    CONSTRAINT phrasesets_one_per_prompt UNIQUE (prompt_round_id)
);
CREATE INDEX phrasesets_open ON phrasesets (status, vote_count);
-- (SQLite: the rounds -> phrasesets foreign key is declared inline in rounds.)

CREATE TABLE votes (
    vote_id       BLOB PRIMARY KEY,
    phraseset_id  BLOB NOT NULL REFERENCES phrasesets (phraseset_id),
    player_id     BLOB NOT NULL REFERENCES players (player_id),
    round_id      BLOB NOT NULL REFERENCES rounds (round_id),
    voted_phrase  TEXT NOT NULL,
    correct       BOOLEAN NOT NULL,
    payout        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    CONSTRAINT votes_one_per_round UNIQUE (round_id),
    CONSTRAINT votes_one_per_player UNIQUE (phraseset_id, player_id)
);

-- The append-only ledger. Every coin movement is one row with two sides
-- (from, to), each a player's wallet or vault, a phraseset's pool, or the
-- house; rows that touch a player carry that player's balances after.
CREATE TABLE ledger (
    entry_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at       BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    from_account     TEXT NOT NULL CHECK (from_account IN ('wallet', 'vault', 'pool', 'house')),
    from_id          BLOB,
    to_account       TEXT NOT NULL CHECK (to_account IN ('wallet', 'vault', 'pool', 'house')),
    to_id            BLOB,
    player_id        BLOB REFERENCES players (player_id),
    wallet_after     BIGINT,
    vault_after      BIGINT,
    reference_id     BLOB,
    -- Set on payouts: paying the same thing twice violates this constraint.
    idempotency_key  TEXT,
    CONSTRAINT ledger_idempotency_unique UNIQUE (idempotency_key)
);
CREATE INDEX ledger_player ON ledger (player_id, entry_id);
CREATE INDEX ledger_reference ON ledger (reference_id);

-- Joining order within a party, as a number: players who join in the same
-- millisecond still have a definite order, so the host role passes to the
-- earliest joiner every time. Rows from before this column keep 0 and fall
-- back to their join time.
ALTER TABLE party_participants ADD COLUMN join_seq BIGINT NOT NULL DEFAULT 0;

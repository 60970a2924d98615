-- Refresh-token reuse detection: every access and refresh token issued by a
-- sign-in, and by each refresh descending from it, carries the family id
-- (the hash of the family's first refresh token). Replaying a refresh token
-- that was rotated away revokes the whole family. Tokens issued before this
-- migration have no family and count as a family of their own.
ALTER TABLE refresh_tokens ADD COLUMN family_id TEXT;
ALTER TABLE access_tokens ADD COLUMN family_id TEXT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX access_tokens_family ON access_tokens (family_id);

//! Reactions and favourite phrases (`migrations/*/0013_reactions.sql`):
//! one row per reaction and per favourite vote; every count is a
//! `COUNT(*)` over them, read in the transaction that changed them.

use party_protocol::PlayerId;
use party_protocol::party_reactions::Reaction;
use party_protocol::round::PhraseRole;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{Tx, parse_text};

/// How many participants gave `reaction` to a phrase of the party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCountRow {
    pub phraseset_id: Uuid,
    pub role: PhraseRole,
    pub reaction: Reaction,
    pub count: i64,
}

/// A phrase as stored: its phraseset and role.
pub type PhraseKey = (Uuid, PhraseRole);

fn role(value: &str, table: &'static str) -> Result<PhraseRole> {
    parse_text(table, "role", value, PhraseRole::parse)
}

fn reaction(value: &str) -> Result<Reaction> {
    parse_text("party_reactions", "reaction", value, |v| {
        Reaction::parse(v).ok()
    })
}

impl Tx {
    /// Every reaction count of the party's phrases.
    pub async fn reaction_counts(&mut self, session: Uuid) -> Result<Vec<ReactionCountRow>> {
        let rows: Vec<(Uuid, String, String, i64)> = self
            .query(
                "SELECT phraseset_id, role, reaction, CAST(COUNT(*) AS BIGINT) FROM party_reactions \
                 WHERE session_id = $1 GROUP BY phraseset_id, role, reaction",
            )
            .bind(session)
            .fetch_all()
            .await?;
        rows.into_iter()
            .map(|(set, r, what, count)| {
                Ok(ReactionCountRow {
                    phraseset_id: set,
                    role: role(&r, "party_reactions")?,
                    reaction: reaction(&what)?,
                    count,
                })
            })
            .collect()
    }

    /// Favourite votes per phrase of the party (phrases without any left out).
    pub async fn favourite_counts(&mut self, session: Uuid) -> Result<Vec<(PhraseKey, i64)>> {
        let rows: Vec<(Uuid, String, i64)> = self
            .query(
                "SELECT phraseset_id, role, CAST(COUNT(*) AS BIGINT) FROM party_favourites \
                 WHERE session_id = $1 GROUP BY phraseset_id, role",
            )
            .bind(session)
            .fetch_all()
            .await?;
        rows.into_iter()
            .map(|(set, r, n)| Ok(((set, role(&r, "party_favourites")?), n)))
            .collect()
    }

    /// The reactions `player` gave in the party.
    pub async fn reactions_of(
        &mut self,
        session: Uuid,
        player: PlayerId,
    ) -> Result<Vec<(PhraseKey, Reaction)>> {
        let rows: Vec<(Uuid, String, String)> = self
            .query(
                "SELECT phraseset_id, role, reaction FROM party_reactions \
                 WHERE session_id = $1 AND player_id = $2 ORDER BY reacted_at, phraseset_id, role",
            )
            .bind(session)
            .bind(player.as_uuid())
            .fetch_all()
            .await?;
        rows.into_iter()
            .map(|(set, r, what)| Ok(((set, role(&r, "party_reactions")?), reaction(&what)?)))
            .collect()
    }

    /// `player`'s reaction to one phrase.
    pub async fn reaction_of(
        &mut self,
        player: PlayerId,
        (set, r): PhraseKey,
    ) -> Result<Option<Reaction>> {
        let found: Option<String> = self
            .query(
                "SELECT reaction FROM party_reactions \
                 WHERE phraseset_id = $1 AND role = $2 AND player_id = $3",
            )
            .bind(set)
            .bind(r.as_str())
            .bind(player.as_uuid())
            .fetch_optional()
            .await?;
        found.as_deref().map(reaction).transpose()
    }

    /// Gives (or replaces) `player`'s reaction to a phrase of `session`.
    pub async fn put_reaction(
        &mut self,
        session: Uuid,
        player: PlayerId,
        (set, r): PhraseKey,
        what: Reaction,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO party_reactions (session_id, phraseset_id, role, player_id, reaction, reacted_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (phraseset_id, role, player_id) \
             DO UPDATE SET reaction = excluded.reaction, reacted_at = excluded.reacted_at",
        )
        .bind(session)
        .bind(set)
        .bind(r.as_str())
        .bind(player.as_uuid())
        .bind(what.as_str())
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Removes `player`'s reaction to a phrase; false when there was none.
    pub async fn delete_reaction(&mut self, player: PlayerId, (set, r): PhraseKey) -> Result<bool> {
        let gone = self
            .query(
                "DELETE FROM party_reactions WHERE phraseset_id = $1 AND role = $2 AND player_id = $3",
            )
            .bind(set)
            .bind(r.as_str())
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(gone == 1)
    }

    /// `player`'s favourite phrase of the party.
    pub async fn favourite_of(
        &mut self,
        session: Uuid,
        player: PlayerId,
    ) -> Result<Option<PhraseKey>> {
        let found: Option<(Uuid, String)> = self
            .query(
                "SELECT phraseset_id, role FROM party_favourites WHERE session_id = $1 AND player_id = $2",
            )
            .bind(session)
            .bind(player.as_uuid())
            .fetch_optional()
            .await?;
        found
            .map(|(set, r)| Ok((set, role(&r, "party_favourites")?)))
            .transpose()
    }

    /// Makes a phrase `player`'s favourite of the party (replacing theirs).
    pub async fn put_favourite(
        &mut self,
        session: Uuid,
        player: PlayerId,
        (set, r): PhraseKey,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO party_favourites (session_id, player_id, phraseset_id, role, voted_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, player_id) \
             DO UPDATE SET phraseset_id = excluded.phraseset_id, role = excluded.role, \
             voted_at = excluded.voted_at",
        )
        .bind(session)
        .bind(player.as_uuid())
        .bind(set)
        .bind(r.as_str())
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Withdraws `player`'s favourite vote; false when they had none.
    pub async fn delete_favourite(&mut self, session: Uuid, player: PlayerId) -> Result<bool> {
        let gone = self
            .query("DELETE FROM party_favourites WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(gone == 1)
    }
}

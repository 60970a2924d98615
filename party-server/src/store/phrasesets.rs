//! Phrasesets and votes.

use std::collections::HashMap;

use party_protocol::{PhrasesetId, PlayerId, RoundId};
use uuid::Uuid;

use super::{Arg, DbRow, FromRow, Tx, columns_row, enum_column, placeholders, values_list};
use crate::clock::Millis;
use crate::error::Result;

/// Whether a phraseset still takes votes (`phrasesets.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhrasesetStatus {
    Open,
    Finalized,
}

impl PhrasesetStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PhrasesetStatus::Open => "open",
            PhrasesetStatus::Finalized => "finalized",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [PhrasesetStatus::Open, PhrasesetStatus::Finalized]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct PhrasesetRow {
    pub phraseset_id: Uuid,
    pub prompt_round_id: Uuid,
    pub copy_round_1: Uuid,
    pub copy_round_2: Uuid,
    pub prompt_id: i64,
    pub prompt_text: String,
    pub original_phrase: String,
    pub copy_phrase_1: String,
    pub copy_phrase_2: String,
    pub original_player_id: Uuid,
    pub copy_player_1: Uuid,
    pub copy_player_2: Uuid,
    pub prompt_cost: i64,
    pub copy_cost_1: i64,
    pub copy_cost_2: i64,
    pub status: PhrasesetStatus,
    pub prize_pool: i64,
    pub vote_count: i32,
    pub original_votes: i32,
    pub copy_votes_1: i32,
    pub copy_votes_2: i32,
    pub third_vote_at: Option<i64>,
    pub fifth_vote_at: Option<i64>,
    pub created_at: i64,
    pub finalized_at: Option<i64>,
    pub final_pool: Option<i64>,
    pub party_session_id: Option<Uuid>,
}

impl FromRow for PhrasesetRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(PhrasesetRow {
            phraseset_id: row.try_get("phraseset_id")?,
            prompt_round_id: row.try_get("prompt_round_id")?,
            copy_round_1: row.try_get("copy_round_1")?,
            copy_round_2: row.try_get("copy_round_2")?,
            prompt_id: row.try_get("prompt_id")?,
            prompt_text: row.try_get("prompt_text")?,
            original_phrase: row.try_get("original_phrase")?,
            copy_phrase_1: row.try_get("copy_phrase_1")?,
            copy_phrase_2: row.try_get("copy_phrase_2")?,
            original_player_id: row.try_get("original_player_id")?,
            copy_player_1: row.try_get("copy_player_1")?,
            copy_player_2: row.try_get("copy_player_2")?,
            prompt_cost: row.try_get("prompt_cost")?,
            copy_cost_1: row.try_get("copy_cost_1")?,
            copy_cost_2: row.try_get("copy_cost_2")?,
            status: enum_column(row, "phrasesets", "status", PhrasesetStatus::parse)?,
            prize_pool: row.try_get("prize_pool")?,
            vote_count: row.try_get("vote_count")?,
            original_votes: row.try_get("original_votes")?,
            copy_votes_1: row.try_get("copy_votes_1")?,
            copy_votes_2: row.try_get("copy_votes_2")?,
            third_vote_at: row.try_get("third_vote_at")?,
            fifth_vote_at: row.try_get("fifth_vote_at")?,
            created_at: row.try_get("created_at")?,
            finalized_at: row.try_get("finalized_at")?,
            final_pool: row.try_get("final_pool")?,
            party_session_id: row.try_get("party_session_id")?,
        })
    }
}

impl PhrasesetRow {
    pub fn id(&self) -> PhrasesetId {
        PhrasesetId::from_uuid(self.phraseset_id)
    }

    pub fn is_open(&self) -> bool {
        self.status == PhrasesetStatus::Open
    }

    /// Whether the player wrote one of the three phrases.
    pub fn has_contributor(&self, player: PlayerId) -> bool {
        let p = player.as_uuid();
        self.original_player_id == p || self.copy_player_1 == p || self.copy_player_2 == p
    }
}

#[derive(Debug, Clone)]
pub struct VoteRow {
    pub vote_id: Uuid,
    pub player_id: Uuid,
    pub username: String,
    pub voted_phrase: String,
    pub correct: bool,
    pub payout: i64,
    pub created_at: i64,
}

columns_row!(VoteRow {
    vote_id,
    player_id,
    username,
    voted_phrase,
    correct,
    payout,
    created_at
});

pub(in crate::store) const PHRASESET_COLUMNS: &str = "phraseset_id, prompt_round_id, copy_round_1, copy_round_2, prompt_id, \
    prompt_text, original_phrase, copy_phrase_1, copy_phrase_2, original_player_id, copy_player_1, copy_player_2, \
    prompt_cost, copy_cost_1, copy_cost_2, status, prize_pool, vote_count, original_votes, copy_votes_1, \
    copy_votes_2, third_vote_at, fifth_vote_at, created_at, finalized_at, final_pool, party_session_id";

/// The open solo phrasesets player `$1` may vote on: not a party's, not
/// one they wrote, copied or were shown in a vote round, and not a house
/// set whose phrases they already voted on in an earlier printing of it
/// (house sets come back once finalized, and a voter who saw the answer
/// must not get the same phrases again).
const VOTER_MAY_VOTE: &str = "ps.status = 'open' AND ps.party_session_id IS NULL \
    AND ps.original_player_id <> $1 AND ps.copy_player_1 <> $1 AND ps.copy_player_2 <> $1 \
    AND NOT EXISTS (SELECT 1 FROM rounds v WHERE v.phraseset_id = ps.phraseset_id AND v.player_id = $1) \
    AND NOT EXISTS (SELECT 1 FROM phrasesets seen JOIN votes sv ON sv.phraseset_id = seen.phraseset_id \
      WHERE sv.player_id = $1 AND seen.prompt_id = ps.prompt_id AND seen.original_phrase = ps.original_phrase)";

/// Sets waiting for player `$1`'s vote in a party (assigned, not yet cast)
/// are not offered again: not as a second party vote, nor in solo play.
const NOT_WAITING_FOR_VOTER: &str = "NOT EXISTS (SELECT 1 FROM party_assignments a \
    WHERE a.target_id = ps.phraseset_id AND a.player_id = $1 AND a.kind = 'vote' \
    AND a.status IN ('pending', 'started'))";

impl Tx {
    /// Inserts an open phraseset with an empty pool (the caller funds it
    /// through the ledger).
    pub async fn insert_phraseset(&mut self, ps: &PhrasesetRow) -> Result<()> {
        self.insert_phrasesets(std::slice::from_ref(ps)).await
    }

    /// Inserts open phrasesets with empty pools, in one statement.
    pub async fn insert_phrasesets(&mut self, sets: &[PhrasesetRow]) -> Result<()> {
        if sets.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO phrasesets (phraseset_id, prompt_round_id, copy_round_1, copy_round_2, prompt_id, \
             prompt_text, original_phrase, copy_phrase_1, copy_phrase_2, original_player_id, copy_player_1, \
             copy_player_2, prompt_cost, copy_cost_1, copy_cost_2, status, prize_pool, created_at, \
             party_session_id) VALUES {}",
            values_list(sets.len(), 19, 1)
        );
        let args = sets.iter().flat_map(|ps| {
            [
                Arg::from(ps.phraseset_id),
                Arg::from(ps.prompt_round_id),
                Arg::from(ps.copy_round_1),
                Arg::from(ps.copy_round_2),
                Arg::from(ps.prompt_id),
                Arg::from(&ps.prompt_text),
                Arg::from(&ps.original_phrase),
                Arg::from(&ps.copy_phrase_1),
                Arg::from(&ps.copy_phrase_2),
                Arg::from(ps.original_player_id),
                Arg::from(ps.copy_player_1),
                Arg::from(ps.copy_player_2),
                Arg::from(ps.prompt_cost),
                Arg::from(ps.copy_cost_1),
                Arg::from(ps.copy_cost_2),
                Arg::from(PhrasesetStatus::Open.as_str()),
                Arg::from(0_i64),
                Arg::from(ps.created_at),
                Arg::from(ps.party_session_id),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    pub async fn phraseset(&mut self, id: PhrasesetId) -> Result<Option<PhrasesetRow>> {
        let sql = format!("SELECT {PHRASESET_COLUMNS} FROM phrasesets WHERE phraseset_id = $1");
        self.query(&sql)
            .bind(id.as_uuid())
            .fetch_optional::<PhrasesetRow>()
            .await
    }

    /// Loads a phraseset and, on PostgreSQL, locks it until the transaction
    /// ends, so votes and finalization on one set happen one at a time.
    pub async fn phraseset_for_update(&mut self, id: PhrasesetId) -> Result<Option<PhrasesetRow>> {
        let lock = match self.backend() {
            super::Backend::Postgres => " FOR UPDATE",
            super::Backend::Sqlite => "",
        };
        let sql =
            format!("SELECT {PHRASESET_COLUMNS} FROM phrasesets WHERE phraseset_id = $1{lock}");
        self.query(&sql)
            .bind(id.as_uuid())
            .fetch_optional::<PhrasesetRow>()
            .await
    }

    /// The phraseset this player should vote on next (see [`Tx::global_sets_for`]).
    pub async fn next_phraseset_to_vote(
        &mut self,
        player: PlayerId,
    ) -> Result<Option<PhrasesetRow>> {
        Ok(self.global_sets_for(player, 1).await?.pop())
    }

    /// Up to `limit` open solo ("global") phrasesets this player may vote
    /// on and is not already due to vote on in a party, best first by the solo priority: sets with 5+ votes (oldest
    /// fifth vote first), then 3–4 votes (oldest third vote first), then
    /// any at random.
    pub async fn global_sets_for(
        &mut self,
        player: PlayerId,
        limit: i64,
    ) -> Result<Vec<PhrasesetRow>> {
        let sql = format!(
            "SELECT {PHRASESET_COLUMNS} FROM phrasesets ps WHERE {VOTER_MAY_VOTE} AND {NOT_WAITING_FOR_VOTER} \
             ORDER BY CASE WHEN ps.vote_count >= 5 THEN 0 WHEN ps.vote_count >= 3 THEN 1 ELSE 2 END, \
             CASE WHEN ps.vote_count >= 5 THEN ps.fifth_vote_at WHEN ps.vote_count >= 3 THEN ps.third_vote_at \
             ELSE 0 END, random() LIMIT $2"
        );
        self.query(&sql)
            .bind(player.as_uuid())
            .bind(limit)
            .fetch_all::<PhrasesetRow>()
            .await
    }

    /// Whether this player may (still) vote on this global phraseset.
    /// (`$1` must come first in the text: SQLite numbers `$n` parameters
    /// in order of appearance.)
    pub async fn may_vote_on(&mut self, player: PlayerId, set: PhrasesetId) -> Result<bool> {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM phrasesets ps WHERE {VOTER_MAY_VOTE} AND ps.phraseset_id = $2"
        );
        let found: i64 = self
            .query(&sql)
            .bind(player.as_uuid())
            .bind(set.as_uuid())
            .fetch_one()
            .await?;
        Ok(found == 1)
    }

    /// How many open phrasesets this player could vote on.
    pub async fn phrasesets_waiting_for(&mut self, player: PlayerId) -> Result<i64> {
        let sql =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM phrasesets ps WHERE {VOTER_MAY_VOTE}");
        self.query(&sql).bind(player.as_uuid()).fetch_one().await
    }

    pub async fn insert_vote(
        &mut self,
        vote_id: Uuid,
        phraseset: PhrasesetId,
        player: PlayerId,
        round: RoundId,
        phrase: &str,
        correct: bool,
        payout: i64,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO votes (vote_id, phraseset_id, player_id, round_id, voted_phrase, correct, payout, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(vote_id)
            .bind(phraseset.as_uuid())
            .bind(player.as_uuid())
            .bind(round.as_uuid())
            .bind(phrase)
            .bind(correct)
            .bind(payout)
            .bind(now.0)
            .execute()
            .await?;
        Ok(())
    }

    /// Counts a vote for phrase `slot` (0 original, 1 and 2 the copies) and
    /// stamps the third and fifth vote times. Returns the new vote count.
    pub async fn count_vote(
        &mut self,
        phraseset: PhrasesetId,
        slot: usize,
        now: Millis,
    ) -> Result<i32> {
        let column = match slot {
            0 => "original_votes",
            1 => "copy_votes_1",
            _ => "copy_votes_2",
        };
        let sql = format!(
            "UPDATE phrasesets SET vote_count = vote_count + 1, {column} = {column} + 1, \
             third_vote_at = CASE WHEN vote_count + 1 = 3 THEN $2 ELSE third_vote_at END, \
             fifth_vote_at = CASE WHEN vote_count + 1 = 5 THEN $2 ELSE fifth_vote_at END \
             WHERE phraseset_id = $1 RETURNING vote_count"
        );
        self.query(&sql)
            .bind(phraseset.as_uuid())
            .bind(now.0)
            .fetch_one()
            .await
    }

    /// Finalizes an open phraseset (its final pool is the pool as it
    /// stands) and returns it as finalized; `None` if it was not open. One
    /// statement: the compare-and-set and the read of what to pay.
    pub async fn finalize(
        &mut self,
        phraseset: PhrasesetId,
        now: Millis,
    ) -> Result<Option<PhrasesetRow>> {
        Ok(self
            .finalize_where("phraseset_id", phraseset.as_uuid(), now)
            .await?
            .pop())
    }

    /// Finalizes every open phraseset of a party (see [`Tx::finalize`]) and
    /// returns them in id order.
    pub async fn finalize_party_phrasesets(
        &mut self,
        session: Uuid,
        now: Millis,
    ) -> Result<Vec<PhrasesetRow>> {
        let mut sets = self
            .finalize_where("party_session_id", session, now)
            .await?;
        sets.sort_by_key(|set| set.phraseset_id);
        Ok(sets)
    }

    /// Finalizes the open phrasesets whose `column` is `id`.
    async fn finalize_where(
        &mut self,
        column: &str,
        id: Uuid,
        now: Millis,
    ) -> Result<Vec<PhrasesetRow>> {
        let sql = format!(
            "UPDATE phrasesets SET status = 'finalized', finalized_at = $2, final_pool = prize_pool \
             WHERE {column} = $1 AND status = 'open' RETURNING {PHRASESET_COLUMNS}"
        );
        self.query(&sql)
            .bind(id)
            .bind(now.0)
            .fetch_all::<PhrasesetRow>()
            .await
    }

    /// Open phrasesets whose time-based finalization is due.
    pub async fn phrasesets_due(
        &mut self,
        fifth_vote_before: Millis,
        third_vote_before: Millis,
        limit: i64,
    ) -> Result<Vec<PhrasesetId>> {
        let ids: Vec<Uuid> = self.query(
            "SELECT phraseset_id FROM phrasesets WHERE status = 'open' AND party_session_id IS NULL AND ( \
               (vote_count >= 5 AND fifth_vote_at <= $1) OR \
               (vote_count BETWEEN 3 AND 4 AND third_vote_at <= $2)) \
             ORDER BY created_at LIMIT $3")
            .bind(fifth_vote_before.0)
            .bind(third_vote_before.0)
            .bind(limit)
            .fetch_all()
            .await?;
        Ok(ids.into_iter().map(PhrasesetId::from_uuid).collect())
    }

    /// The votes on a phraseset with the voters' names, in order.
    pub async fn votes_on(&mut self, phraseset: PhrasesetId) -> Result<Vec<VoteRow>> {
        self.query(
            "SELECT v.vote_id, v.player_id, p.username, v.voted_phrase, v.correct, v.payout, v.created_at \
             FROM votes v JOIN players p ON p.player_id = v.player_id WHERE v.phraseset_id = $1 \
             ORDER BY v.created_at, v.vote_id")
            .bind(phraseset.as_uuid())
            .fetch_all::<VoteRow>()
            .await
    }

    /// Usernames of the given players, in the same order (empty for an
    /// unknown id). One statement however many players: a results page
    /// names three authors per phraseset.
    pub async fn usernames(&mut self, players: &[Uuid]) -> Result<Vec<String>> {
        let mut distinct = players.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT player_id, username FROM players WHERE player_id IN ({})",
            placeholders(1, distinct.len())
        );
        let rows: Vec<(Uuid, String)> = self
            .query(&sql)
            .bind_all(distinct.iter().map(|id| Arg::from(*id)))
            .fetch_all()
            .await?;
        let names: HashMap<Uuid, String> = rows.into_iter().collect();
        Ok(players
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_default())
            .collect())
    }

    /// Total paid to `player` out of the phraseset's pool (prizes and vote payouts).
    pub async fn paid_from_pool(
        &mut self,
        phraseset: PhrasesetId,
        player: PlayerId,
    ) -> Result<i64> {
        self.query(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger WHERE from_account = 'pool' \
             AND from_id = $1 AND player_id = $2")
            .bind(phraseset.as_uuid())
            .bind(player.as_uuid())
            .fetch_one()
            .await
    }
}

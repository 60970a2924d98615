//! Rounds, the copy queue, and the prompt library table.

use party_protocol::round::{RoundStatus, RoundType};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use uuid::Uuid;

use super::{DbRow, FromRow, Tx, enum_column};
use crate::clock::Millis;
use crate::error::Result;
use crate::game::prompts::LibraryPrompt;

#[derive(Debug, Clone)]
pub struct RoundRow {
    pub round_id: Uuid,
    pub player_id: Uuid,
    pub round_type: RoundType,
    pub status: RoundStatus,
    pub cost: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
    pub prompt_id: Option<i64>,
    pub prompt_text: Option<String>,
    pub submitted_phrase: Option<String>,
    pub queued_at: Option<i64>,
    pub copy_claims: i32,
    pub copies_done: i32,
    pub prompt_round_id: Option<Uuid>,
    pub original_phrase: Option<String>,
    pub discount: Option<bool>,
    pub phraseset_id: Option<Uuid>,
    pub phrase_a: Option<String>,
    pub phrase_b: Option<String>,
    pub phrase_c: Option<String>,
    pub party_session_id: Option<Uuid>,
}

impl FromRow for RoundRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(RoundRow {
            round_id: row.try_get("round_id")?,
            player_id: row.try_get("player_id")?,
            round_type: enum_column(row, "rounds", "round_type", RoundType::parse)?,
            status: enum_column(row, "rounds", "status", RoundStatus::parse)?,
            cost: row.try_get("cost")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
            ended_at: row.try_get("ended_at")?,
            prompt_id: row.try_get("prompt_id")?,
            prompt_text: row.try_get("prompt_text")?,
            submitted_phrase: row.try_get("submitted_phrase")?,
            queued_at: row.try_get("queued_at")?,
            copy_claims: row.try_get("copy_claims")?,
            copies_done: row.try_get("copies_done")?,
            prompt_round_id: row.try_get("prompt_round_id")?,
            original_phrase: row.try_get("original_phrase")?,
            discount: row.try_get("discount")?,
            phraseset_id: row.try_get("phraseset_id")?,
            phrase_a: row.try_get("phrase_a")?,
            phrase_b: row.try_get("phrase_b")?,
            phrase_c: row.try_get("phrase_c")?,
            party_session_id: row.try_get("party_session_id")?,
        })
    }
}

impl RoundRow {
    pub fn id(&self) -> RoundId {
        RoundId::from_uuid(self.round_id)
    }

    pub fn player(&self) -> PlayerId {
        PlayerId::from_uuid(self.player_id)
    }

    pub fn kind(&self) -> RoundType {
        self.round_type
    }

    pub fn state(&self) -> RoundStatus {
        self.status
    }

    pub fn phrases(&self) -> Option<[String; 3]> {
        Some([
            self.phrase_a.clone()?,
            self.phrase_b.clone()?,
            self.phrase_c.clone()?,
        ])
    }
}

/// A round to insert.
#[derive(Debug, Clone)]
pub struct NewRound {
    pub round_id: RoundId,
    pub player_id: PlayerId,
    pub round_type: RoundType,
    pub cost: i64,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub prompt_id: Option<i64>,
    pub prompt_text: Option<String>,
    pub prompt_round_id: Option<RoundId>,
    pub original_phrase: Option<String>,
    pub discount: Option<bool>,
    pub phraseset_id: Option<PhrasesetId>,
    pub phrases: Option<[String; 3]>,
    /// Set for rounds played inside a party.
    pub party_session_id: Option<Uuid>,
}

pub(in crate::store) const ROUND_COLUMNS: &str = "round_id, player_id, round_type, status, cost, created_at, expires_at, ended_at, \
    prompt_id, prompt_text, submitted_phrase, queued_at, copy_claims, copies_done, prompt_round_id, \
    original_phrase, discount, phraseset_id, phrase_a, phrase_b, phrase_c, party_session_id";

impl Tx {
    /// Loads the library into the `prompts` table (new prompts only).
    pub async fn seed_prompts(&mut self, prompts: &[LibraryPrompt]) -> Result<u64> {
        let mut added = 0;
        for p in prompts {
            let done = self.query(
                "INSERT INTO prompts (prompt_id, category, text) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(p.id)
                .bind(p.category)
                .bind(p.text)
                .execute()
                .await?;
            added += done;
        }
        Ok(added)
    }

    /// A random prompt this player has never been shown (in a prompt or a vote round).
    pub async fn unseen_prompt(&mut self, player: PlayerId) -> Result<Option<(i64, String)>> {
        let sql = "SELECT prompt_id, text FROM prompts WHERE prompt_id NOT IN \
                   (SELECT prompt_id FROM rounds WHERE player_id = $1 AND prompt_id IS NOT NULL) \
                   ORDER BY random() LIMIT 1";
        self.query(sql)
            .bind(player.as_uuid())
            .fetch_optional()
            .await
    }

    /// Inserts an active round. The database refuses a second active round
    /// of the same player (unique index), which the caller reports.
    pub async fn insert_round(&mut self, r: &NewRound) -> Result<()> {
        let sql = "INSERT INTO rounds (round_id, player_id, round_type, status, cost, created_at, expires_at, \
                   prompt_id, prompt_text, prompt_round_id, original_phrase, discount, phraseset_id, \
                   phrase_a, phrase_b, phrase_c, party_session_id) \
                   VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
        let [a, b, c] = r
            .phrases
            .clone()
            .map_or([None, None, None], |p| p.map(Some));
        self.query(sql)
            .bind(r.round_id.as_uuid())
            .bind(r.player_id.as_uuid())
            .bind(r.round_type.as_str())
            .bind(r.cost)
            .bind(r.created_at.0)
            .bind(r.expires_at.0)
            .bind(r.prompt_id)
            .bind(r.prompt_text.as_deref())
            .bind(r.prompt_round_id.map(|id| id.as_uuid()))
            .bind(r.original_phrase.as_deref())
            .bind(r.discount)
            .bind(r.phraseset_id.map(|id| id.as_uuid()))
            .bind(a.as_deref())
            .bind(b.as_deref())
            .bind(c.as_deref())
            .bind(r.party_session_id)
            .execute()
            .await?;
        Ok(())
    }

    pub async fn round(&mut self, id: RoundId) -> Result<Option<RoundRow>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM rounds WHERE round_id = $1");
        self.query(&sql)
            .bind(id.as_uuid())
            .fetch_optional::<RoundRow>()
            .await
    }

    /// The rounds of these ids that exist, in one statement (in no order).
    pub async fn rounds_by_ids(&mut self, ids: &[Uuid]) -> Result<Vec<RoundRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds WHERE round_id IN ({})",
            super::placeholders(1, ids.len())
        );
        self.query(&sql)
            .bind_all(ids.iter().map(|id| super::Arg::from(*id)))
            .fetch_all::<RoundRow>()
            .await
    }

    /// Locks a round row until the transaction ends (PostgreSQL). SQLite
    /// needs nothing: its single writer already serializes transactions.
    pub async fn lock_round(&mut self, id: RoundId) -> Result<()> {
        if self.backend() == super::Backend::Postgres {
            self.query("SELECT 1 FROM rounds WHERE round_id = $1 FOR UPDATE")
                .bind(id.as_uuid())
                .execute()
                .await?;
        }
        Ok(())
    }

    pub async fn active_round(&mut self, player: PlayerId) -> Result<Option<RoundRow>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds WHERE player_id = $1 AND status = 'active'"
        );
        self.query(&sql)
            .bind(player.as_uuid())
            .fetch_optional::<RoundRow>()
            .await
    }

    /// The player's latest vote round on a phraseset, in any state (an
    /// active one is always the latest: a player has one active round at a time).
    pub async fn latest_vote_round(
        &mut self,
        player: PlayerId,
        phraseset: PhrasesetId,
    ) -> Result<Option<RoundRow>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds WHERE player_id = $1 AND phraseset_id = $2 \
             AND round_type = 'vote' ORDER BY created_at DESC LIMIT 1"
        );
        self.query(&sql)
            .bind(player.as_uuid())
            .bind(phraseset.as_uuid())
            .fetch_optional::<RoundRow>()
            .await
    }

    /// Active rounds whose time and grace ran out before `now`.
    pub async fn overdue_rounds(&mut self, deadline: Millis, limit: i64) -> Result<Vec<RoundId>> {
        let ids: Vec<Uuid> = self.query(
            "SELECT round_id FROM rounds WHERE status = 'active' AND expires_at < $1 ORDER BY expires_at LIMIT $2")
            .bind(deadline.0)
            .bind(limit)
            .fetch_all()
            .await?;
        Ok(ids.into_iter().map(RoundId::from_uuid).collect())
    }

    /// Ends an active round (compare-and-set on `active`). Returns the row as
    /// it is now, or `None` if the round was no longer active.
    pub async fn end_round(
        &mut self,
        id: RoundId,
        status: RoundStatus,
        now: Millis,
    ) -> Result<Option<RoundRow>> {
        let sql = format!(
            "UPDATE rounds SET status = $2, ended_at = $3 WHERE round_id = $1 AND status = 'active' \
             RETURNING {ROUND_COLUMNS}"
        );
        self.query(&sql)
            .bind(id.as_uuid())
            .bind(status.as_str())
            .bind(now.0)
            .fetch_optional::<RoundRow>()
            .await
    }

    /// Marks an active round submitted with its phrase; false if it was not active.
    pub async fn submit_round(&mut self, id: RoundId, phrase: &str, now: Millis) -> Result<bool> {
        let done = self
            .query(
                "UPDATE rounds SET status = 'submitted', submitted_phrase = $2, ended_at = $3, \
             queued_at = CASE WHEN round_type = 'prompt' THEN $3 ELSE queued_at END \
             WHERE round_id = $1 AND status = 'active'",
            )
            .bind(id.as_uuid())
            .bind(phrase)
            .bind(now.0)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Prompts waiting in the solo copy queue (submitted, with a free copy
    /// slot). Party prompts are copied only by their party, by assignment.
    pub async fn prompts_waiting(&mut self) -> Result<i64> {
        self.query(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM rounds WHERE round_type = 'prompt' AND status = 'submitted' \
             AND copy_claims < 2 AND party_session_id IS NULL")
            .fetch_one()
            .await
    }

    /// The oldest waiting prompt this player may copy: not their own, not one
    /// they copied or are copying, not one they gave up on within the cooldown.
    pub async fn next_prompt_to_copy(
        &mut self,
        player: PlayerId,
        cooldown_start: Millis,
    ) -> Result<Option<RoundRow>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds p WHERE p.round_type = 'prompt' AND p.status = 'submitted' \
             AND p.copy_claims < 2 AND p.player_id <> $1 AND p.party_session_id IS NULL AND NOT EXISTS ( \
               SELECT 1 FROM rounds c WHERE c.prompt_round_id = p.round_id AND c.player_id = $1 \
               AND (c.status IN ('active', 'submitted') OR c.ended_at >= $2)) \
             ORDER BY p.queued_at, p.round_id LIMIT 1"
        );
        self.query(&sql)
            .bind(player.as_uuid())
            .bind(cooldown_start.0)
            .fetch_optional::<RoundRow>()
            .await
    }

    /// Takes one of a prompt's two copy slots; false when both are taken
    /// (the loser of a race gets false, never a third copy).
    pub async fn claim_copy_slot(&mut self, prompt_round: RoundId) -> Result<bool> {
        let done = self.query(
            "UPDATE rounds SET copy_claims = copy_claims + 1 WHERE round_id = $1 AND copy_claims < 2 \
             AND status = 'submitted'")
            .bind(prompt_round.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Gives a copy slot back to the queue (the copy round was abandoned or expired).
    pub async fn release_copy_slot(&mut self, prompt_round: RoundId) -> Result<()> {
        self.query(
            "UPDATE rounds SET copy_claims = copy_claims - 1 WHERE round_id = $1 AND copy_claims > copies_done")
            .bind(prompt_round.as_uuid())
            .execute()
            .await?;
        Ok(())
    }

    /// Counts a submitted copy on its prompt and returns the new count.
    pub async fn add_copy_done(&mut self, prompt_round: RoundId) -> Result<i32> {
        self.query(
            "UPDATE rounds SET copies_done = copies_done + 1 WHERE round_id = $1 RETURNING copies_done")
            .bind(prompt_round.as_uuid())
            .fetch_one()
            .await
    }

    /// Submitted copy rounds of a prompt, oldest first.
    pub async fn submitted_copies(&mut self, prompt_round: RoundId) -> Result<Vec<RoundRow>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds WHERE prompt_round_id = $1 AND round_type = 'copy' \
             AND status = 'submitted' ORDER BY ended_at, round_id"
        );
        self.query(&sql)
            .bind(prompt_round.as_uuid())
            .fetch_all::<RoundRow>()
            .await
    }

    /// Solo prompts of this player still in play: submitted and not yet finalized.
    pub async fn outstanding_prompts(&mut self, player: PlayerId) -> Result<i64> {
        self.query(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM rounds r LEFT JOIN phrasesets ps ON ps.prompt_round_id = r.round_id \
             WHERE r.player_id = $1 AND r.round_type = 'prompt' AND r.status = 'submitted' \
             AND r.party_session_id IS NULL AND (ps.status IS NULL OR ps.status = 'open')")
            .bind(player.as_uuid())
            .fetch_one()
            .await
    }

    /// Active vote rounds on a phraseset (closed when it finalizes).
    pub async fn active_vote_rounds_on(&mut self, phraseset: PhrasesetId) -> Result<Vec<RoundId>> {
        let ids: Vec<Uuid> = self.query(
            "SELECT round_id FROM rounds WHERE phraseset_id = $1 AND round_type = 'vote' AND status = 'active'")
            .bind(phraseset.as_uuid())
            .fetch_all()
            .await?;
        Ok(ids.into_iter().map(RoundId::from_uuid).collect())
    }
}

impl NewRound {
    /// A prompt round showing prompt `prompt_id`.
    pub fn prompt(
        player: PlayerId,
        cost: i64,
        now: Millis,
        expires_at: Millis,
        prompt_id: i64,
        prompt_text: String,
        party: Option<Uuid>,
    ) -> Self {
        Self::blank(RoundType::Prompt, player, cost, now, expires_at, party).with(|r| {
            r.prompt_id = Some(prompt_id);
            r.prompt_text = Some(prompt_text);
        })
    }

    /// A copy round of `prompt_round`, whose phrase is `original_phrase`.
    pub fn copy(
        player: PlayerId,
        cost: i64,
        now: Millis,
        expires_at: Millis,
        prompt_round: RoundId,
        original_phrase: Option<String>,
        discount: bool,
        party: Option<Uuid>,
    ) -> Self {
        Self::blank(RoundType::Copy, player, cost, now, expires_at, party).with(|r| {
            r.prompt_round_id = Some(prompt_round);
            r.original_phrase = original_phrase;
            r.discount = Some(discount);
        })
    }

    /// A vote round on `phraseset`, showing `phrases` in this order.
    pub fn vote(
        player: PlayerId,
        cost: i64,
        now: Millis,
        expires_at: Millis,
        prompt_id: i64,
        prompt_text: String,
        phraseset: PhrasesetId,
        phrases: [String; 3],
        party: Option<Uuid>,
    ) -> Self {
        Self::blank(RoundType::Vote, player, cost, now, expires_at, party).with(|r| {
            r.prompt_id = Some(prompt_id);
            r.prompt_text = Some(prompt_text);
            r.phraseset_id = Some(phraseset);
            r.phrases = Some(phrases);
        })
    }

    fn blank(
        kind: RoundType,
        player: PlayerId,
        cost: i64,
        now: Millis,
        expires_at: Millis,
        party: Option<Uuid>,
    ) -> Self {
        NewRound {
            round_id: RoundId::new(),
            player_id: player,
            round_type: kind,
            cost,
            created_at: now,
            expires_at,
            prompt_id: None,
            prompt_text: None,
            prompt_round_id: None,
            original_phrase: None,
            discount: None,
            phraseset_id: None,
            phrases: None,
            party_session_id: party,
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

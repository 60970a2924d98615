//! The set-based statements of a party's phase end: all of its open rounds
//! ended at once, the copy slots they held given back, and the stand-in
//! copies written as a few multi-row statements — a fixed number of
//! statements however many rounds or copies there are, so the party's
//! session row (locked by the caller) is held as briefly as possible.

use std::collections::BTreeMap;

use party_protocol::RoundId;
use party_protocol::round::RoundStatus;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::rounds::ROUND_COLUMNS;
use crate::store::{Arg, NewRound, RoundRow, Tx, placeholders, values_list};

impl Tx {
    /// Ends every active round of a party with `status`, in one statement;
    /// the rounds as they are now.
    pub async fn end_party_rounds(
        &mut self,
        session: Uuid,
        status: RoundStatus,
        now: Millis,
    ) -> Result<Vec<RoundRow>> {
        let sql = format!(
            "UPDATE rounds SET status = $2, ended_at = $3 WHERE party_session_id = $1 \
             AND status = 'active' RETURNING {ROUND_COLUMNS}"
        );
        self.query(&sql)
            .bind(session)
            .bind(status.as_str())
            .bind(now.0)
            .fetch_all::<RoundRow>()
            .await
    }

    /// Gives back one copy slot per entry of `prompts` (a prompt listed
    /// twice gets two back), in one statement: what one
    /// [`Tx::release_copy_slot`] per entry does, never below the copies done.
    pub async fn release_copy_slots(&mut self, prompts: &[RoundId]) -> Result<()> {
        let mut counts: BTreeMap<Uuid, i32> = BTreeMap::new();
        for p in prompts {
            *counts.entry(p.as_uuid()).or_default() += 1;
        }
        if counts.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE rounds SET copy_claims = CASE \
               WHEN rounds.copy_claims - v.column2 < rounds.copies_done THEN rounds.copies_done \
               ELSE rounds.copy_claims - v.column2 END \
             FROM (VALUES {}) AS v \
             WHERE rounds.round_id = v.column1 AND rounds.copy_claims > rounds.copies_done",
            values_list(counts.len(), 2, 1)
        );
        let args = counts
            .into_iter()
            .flat_map(|(id, n)| [Arg::from(id), Arg::from(n)]);
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    /// Takes `n` copy slots of each prompt and counts `n` copies done on
    /// it, in one statement, for copies written and submitted at once (a
    /// stand-in's). A prompt without `n` free slots is left alone. Returns
    /// the prompts changed with their new count of copies done.
    pub async fn claim_and_count_copies(
        &mut self,
        prompts: &[(RoundId, i32)],
    ) -> Result<Vec<(Uuid, i32)>> {
        if prompts.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "UPDATE rounds SET copy_claims = rounds.copy_claims + v.column2, \
               copies_done = rounds.copies_done + v.column2 \
             FROM (VALUES {}) AS v \
             WHERE rounds.round_id = v.column1 AND rounds.status = 'submitted' \
               AND rounds.copy_claims + v.column2 <= 2 \
             RETURNING round_id, copies_done",
            values_list(prompts.len(), 2, 1)
        );
        let args = prompts
            .iter()
            .flat_map(|(id, n)| [Arg::from(id.as_uuid()), Arg::from(*n)]);
        self.query(&sql).bind_all(args).fetch_all().await
    }

    /// Inserts copy rounds already submitted with their phrases (ended at
    /// `now`), in one statement.
    pub async fn insert_submitted_copies(
        &mut self,
        rounds: &[(NewRound, String)],
        now: Millis,
    ) -> Result<()> {
        if rounds.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO rounds (round_id, player_id, round_type, status, cost, created_at, expires_at, \
             prompt_round_id, original_phrase, discount, party_session_id, submitted_phrase, ended_at) \
             VALUES {}",
            values_list(rounds.len(), 13, 1)
        );
        let args = rounds.iter().flat_map(|(r, phrase)| {
            [
                Arg::from(r.round_id.as_uuid()),
                Arg::from(r.player_id.as_uuid()),
                Arg::from(r.round_type.as_str()),
                Arg::from(RoundStatus::Submitted.as_str()),
                Arg::from(r.cost),
                Arg::from(r.created_at.0),
                Arg::from(r.expires_at.0),
                Arg::from(r.prompt_round_id.map(|id| id.as_uuid())),
                Arg::from(r.original_phrase.as_deref()),
                Arg::from(r.discount),
                Arg::from(r.party_session_id),
                Arg::from(phrase.as_str()),
                Arg::from(now.0),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    /// The submitted copy rounds of each of `prompts`, oldest first (as
    /// [`Tx::submitted_copies`] orders them), in one statement.
    pub async fn submitted_copies_of(
        &mut self,
        prompts: &[Uuid],
    ) -> Result<BTreeMap<Uuid, Vec<RoundRow>>> {
        let mut by_prompt: BTreeMap<Uuid, Vec<RoundRow>> = BTreeMap::new();
        if prompts.is_empty() {
            return Ok(by_prompt);
        }
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM rounds WHERE prompt_round_id IN ({}) \
             AND round_type = 'copy' AND status = 'submitted' ORDER BY ended_at, round_id",
            placeholders(1, prompts.len())
        );
        let rows: Vec<RoundRow> = self
            .query(&sql)
            .bind_all(prompts.iter().map(|p| Arg::from(*p)))
            .fetch_all()
            .await?;
        for row in rows {
            if let Some(prompt) = row.prompt_round_id {
                by_prompt.entry(prompt).or_default().push(row);
            }
        }
        Ok(by_prompt)
    }
}

//! The house library's printings: the rounds and phrasesets the house
//! authors sign when voters need global content (see `service::house`).

use std::collections::HashSet;

use party_protocol::PlayerId;
use uuid::Uuid;

use super::{PhrasesetRow, Tx, exec_on, on_conn};
use crate::clock::Millis;
use crate::error::Result;

/// The house author who signs the originals (fixed id, made by migration 0005).
pub const HOUSE_WRITER: PlayerId = PlayerId::from_uuid(Uuid::from_u128(0xF001));
/// The house authors who sign the two copies.
pub const HOUSE_COPIERS: [PlayerId; 2] = [
    PlayerId::from_uuid(Uuid::from_u128(0xF002)),
    PlayerId::from_uuid(Uuid::from_u128(0xF003)),
];

impl PhrasesetRow {
    /// Whether the house wrote this set.
    pub fn is_house_set(&self) -> bool {
        self.original_player_id == HOUSE_WRITER.as_uuid()
    }
}

/// A house phraseset's identity across printings: its prompt and original.
pub type HouseKey = (i64, String);

/// The three rounds of one printing, already written: a prompt round whose
/// two copy slots are taken and done (so it never enters the copy queue)
/// and its two copy rounds. All cost nothing: the house funds the pool.
#[derive(Debug)]
pub struct HouseRounds<'a> {
    pub writer: PlayerId,
    pub copiers: [PlayerId; 2],
    pub prompt_id: i64,
    pub prompt_text: &'a str,
    pub original: &'a str,
    pub copies: [&'a str; 2],
}

impl Tx {
    /// The keys of the house sets `writer` signed that are still open.
    pub async fn open_house_keys(&mut self, writer: PlayerId) -> Result<HashSet<HouseKey>> {
        let rows: Vec<(i64, String)> = on_conn!(self, conn => sqlx::query_as(
            "SELECT prompt_id, original_phrase FROM phrasesets \
             WHERE original_player_id = $1 AND status = 'open'")
            .bind(writer.as_uuid())
            .fetch_all(conn)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// The keys of the house sets `writer` signed that any of `voters`
    /// ever voted on, in any printing.
    pub async fn house_keys_voted_by(
        &mut self,
        writer: PlayerId,
        voters: &[PlayerId],
    ) -> Result<HashSet<HouseKey>> {
        if voters.is_empty() {
            return Ok(HashSet::new());
        }
        let rows: Vec<(i64, String)> = on_conn!(self, conn => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT DISTINCT ps.prompt_id, ps.original_phrase FROM phrasesets ps \
                 JOIN votes v ON v.phraseset_id = ps.phraseset_id WHERE ps.original_player_id = ");
            query.push_bind(writer.as_uuid()).push(" AND v.player_id IN (");
            let mut list = query.separated(", ");
            for voter in voters {
                list.push_bind(voter.as_uuid());
            }
            query.push(")");
            query.build_query_as().fetch_all(conn).await
        })?;
        Ok(rows.into_iter().collect())
    }

    /// Writes the three submitted rounds of one printing in one statement
    /// and returns their ids: (prompt, [copy 1, copy 2]).
    pub async fn insert_house_rounds(
        &mut self,
        r: &HouseRounds<'_>,
        now: Millis,
    ) -> Result<(Uuid, [Uuid; 2])> {
        let prompt = Uuid::new_v4();
        let copies = [Uuid::new_v4(), Uuid::new_v4()];
        exec_on!(self, conn => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO rounds (round_id, player_id, round_type, status, cost, created_at, expires_at, \
                 ended_at, prompt_id, prompt_text, submitted_phrase, copy_claims, copies_done, \
                 prompt_round_id, original_phrase, discount) ");
            let rows = [
                (prompt, r.writer, "prompt", r.original, 2, None),
                (copies[0], r.copiers[0], "copy", r.copies[0], 0, Some(prompt)),
                (copies[1], r.copiers[1], "copy", r.copies[1], 0, Some(prompt)),
            ];
            insert.push_values(rows, |mut row, (id, player, kind, phrase, slots, of)| {
                let is_prompt = of.is_none();
                row.push_bind(id)
                    .push_bind(player.as_uuid())
                    .push_bind(kind)
                    .push("'submitted'")
                    .push("0")
                    .push_bind(now.0)
                    .push_bind(now.0)
                    .push_bind(now.0)
                    .push_bind(is_prompt.then_some(r.prompt_id))
                    .push_bind(is_prompt.then_some(r.prompt_text))
                    .push_bind(phrase)
                    .push_bind(slots)
                    .push_bind(slots)
                    .push_bind(of)
                    .push_bind((!is_prompt).then_some(r.original))
                    .push_bind((!is_prompt).then_some(false));
            });
            insert.build().execute(conn).await
        })?;
        Ok((prompt, copies))
    }
}

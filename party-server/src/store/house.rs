//! The house library's printings: the rounds and phrasesets the house
//! authors sign when voters need global content (see `service::house`).

use std::collections::HashSet;

use party_protocol::PlayerId;
use uuid::Uuid;

use super::{Arg, PhrasesetRow, Tx, placeholders, values_list};
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
        let rows: Vec<(i64, String)> = self
            .query(
                "SELECT prompt_id, original_phrase FROM phrasesets \
             WHERE original_player_id = $1 AND status = 'open'",
            )
            .bind(writer.as_uuid())
            .fetch_all()
            .await?;
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
        let sql = format!(
            "SELECT DISTINCT ps.prompt_id, ps.original_phrase FROM phrasesets ps \
             JOIN votes v ON v.phraseset_id = ps.phraseset_id \
             WHERE ps.original_player_id = $1 AND v.player_id IN ({})",
            placeholders(2, voters.len())
        );
        let rows: Vec<(i64, String)> = self
            .query(&sql)
            .bind(writer.as_uuid())
            .bind_all(voters.iter().map(|v| Arg::from(v.as_uuid())))
            .fetch_all()
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Writes the three submitted rounds of each printing, all in one
    /// statement, and returns their ids: (prompt, [copy 1, copy 2]) each.
    pub async fn insert_house_rounds(
        &mut self,
        printings: &[HouseRounds<'_>],
        now: Millis,
    ) -> Result<Vec<(Uuid, [Uuid; 2])>> {
        let ids: Vec<(Uuid, [Uuid; 2])> = printings
            .iter()
            .map(|_| (Uuid::new_v4(), [Uuid::new_v4(), Uuid::new_v4()]))
            .collect();
        if printings.is_empty() {
            return Ok(ids);
        }
        // (round, player, kind, phrase, copy slots, prompt copied, printing)
        let rows: Vec<_> = printings
            .iter()
            .zip(&ids)
            .flat_map(|(r, &(prompt, copies))| {
                [
                    (prompt, r.writer, "prompt", r.original, 2, None, r),
                    (
                        copies[0],
                        r.copiers[0],
                        "copy",
                        r.copies[0],
                        0,
                        Some(prompt),
                        r,
                    ),
                    (
                        copies[1],
                        r.copiers[1],
                        "copy",
                        r.copies[1],
                        0,
                        Some(prompt),
                        r,
                    ),
                ]
            })
            .collect();
        let sql = format!(
            "INSERT INTO rounds (round_id, player_id, round_type, status, cost, created_at, expires_at, \
             ended_at, prompt_id, prompt_text, submitted_phrase, copy_claims, copies_done, \
             prompt_round_id, original_phrase, discount) VALUES {}",
            values_list(rows.len(), 16, 1)
        );
        let args = rows.into_iter().flat_map(
            |(id, player, kind, phrase, slots, of, r): (
                Uuid,
                PlayerId,
                &str,
                &str,
                i32,
                Option<Uuid>,
                &HouseRounds<'_>,
            )| {
                let is_prompt = of.is_none();
                [
                    Arg::from(id),
                    Arg::from(player.as_uuid()),
                    Arg::from(kind),
                    Arg::from("submitted"),
                    Arg::from(0_i64),
                    Arg::from(now.0),
                    Arg::from(now.0),
                    Arg::from(now.0),
                    Arg::from(is_prompt.then_some(r.prompt_id)),
                    Arg::from(is_prompt.then_some(r.prompt_text)),
                    Arg::from(phrase),
                    Arg::from(slots),
                    Arg::from(slots),
                    Arg::from(of),
                    Arg::from((!is_prompt).then_some(r.original)),
                    Arg::from((!is_prompt).then_some(false)),
                ]
            },
        );
        self.query(&sql).bind_all(args).execute().await?;
        Ok(ids)
    }
}

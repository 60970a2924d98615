//! Phrasesets: creation when a prompt has its two copies, and their
//! published results. Finalization and the prize split are settlement
//! (`rounds::settlement`).

use std::collections::BTreeMap;

use party_protocol::round::{PhraseResult, PhraseRole, PhrasesetResults, VoterResult};
use party_protocol::{Coins, ErrorCode, PhrasesetId, PlayerId};
use uuid::Uuid;

use super::Game;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::game::scoring::{VoteTally, split_prize};
use crate::store::{Account, HOUSE_WRITER, PhrasesetRow, RoundRow, Transfer, Tx};

/// Creates the phraseset of a prompt whose two copies are in, and funds its
/// pool from the house: the three entry fees it holds, plus the copy
/// discount subsidy when copies were cheaper.
pub(crate) async fn create_phraseset(
    tx: &mut Tx,
    rules: &GameRules,
    prompt: &RoundRow,
    copies: &[RoundRow],
    now: Millis,
) -> Result<PhrasesetId> {
    let row = phraseset_row(prompt, copies, now)?;
    tx.insert_phraseset(&row).await?;
    if let Some(session) = prompt.party_session_id {
        tx.insert_party_phraseset(session, row.id(), now).await?;
    }
    for t in funding(rules, &row) {
        tx.transfer(&t, now).await?;
    }
    Ok(row.id())
}

/// [`create_phraseset`] for many prompts at once (the sets a party's
/// stand-ins complete when COPY ends, the house's printings): the same
/// rows, inserted in one statement, and party sets linked to their party
/// in one more per party. The pools' funding is returned rather than
/// applied, so the caller pays it in one batch with any transfers of its
/// own ([`Tx::transfer_all`]).
pub(crate) async fn create_phrasesets(
    tx: &mut Tx,
    rules: &GameRules,
    complete: &[(&RoundRow, &[RoundRow])],
    now: Millis,
) -> Result<(Vec<PhrasesetRow>, Vec<Transfer<'static>>)> {
    let rows = complete
        .iter()
        .map(|(prompt, copies)| phraseset_row(prompt, copies, now))
        .collect::<Result<Vec<_>>>()?;
    tx.insert_phrasesets(&rows).await?;
    let mut parties: BTreeMap<Uuid, Vec<PhrasesetId>> = BTreeMap::new();
    for row in &rows {
        if let Some(session) = row.party_session_id {
            parties.entry(session).or_default().push(row.id());
        }
    }
    for (session, ids) in parties {
        tx.insert_party_phrasesets(session, &ids, now).await?;
    }
    let funding = rows.iter().flat_map(|r| funding(rules, r)).collect();
    Ok((rows, funding))
}

/// The open phraseset of a prompt and its two submitted copies, with an
/// empty pool.
fn phraseset_row(prompt: &RoundRow, copies: &[RoundRow], now: Millis) -> Result<PhrasesetRow> {
    let [copy1, copy2] = copies else {
        return Err(Error::internal(format!(
            "expected two copies, found {}",
            copies.len()
        )));
    };
    let phrase = |r: &RoundRow| {
        r.submitted_phrase
            .clone()
            .ok_or_else(|| Error::internal("submitted round without phrase"))
    };
    Ok(PhrasesetRow {
        phraseset_id: PhrasesetId::new().as_uuid(),
        prompt_round_id: prompt.round_id,
        copy_round_1: copy1.round_id,
        copy_round_2: copy2.round_id,
        prompt_id: prompt
            .prompt_id
            .ok_or_else(|| Error::internal("prompt round without prompt"))?,
        prompt_text: prompt.prompt_text.clone().unwrap_or_default(),
        original_phrase: phrase(prompt)?,
        copy_phrase_1: phrase(copy1)?,
        copy_phrase_2: phrase(copy2)?,
        original_player_id: prompt.player_id,
        copy_player_1: copy1.player_id,
        copy_player_2: copy2.player_id,
        prompt_cost: prompt.cost,
        copy_cost_1: copy1.cost,
        copy_cost_2: copy2.cost,
        status: crate::store::PhrasesetStatus::Open,
        prize_pool: 0,
        vote_count: 0,
        original_votes: 0,
        copy_votes_1: 0,
        copy_votes_2: 0,
        third_vote_at: None,
        fifth_vote_at: None,
        created_at: now.0,
        finalized_at: None,
        final_pool: None,
        party_session_id: prompt.party_session_id,
    })
}

/// How a new set's pool is funded by the house: the three entry fees (up
/// to the base) and the rest of the base as a subsidy.
fn funding(rules: &GameRules, set: &PhrasesetRow) -> [Transfer<'static>; 2] {
    let id = set.id();
    let entries = (set.prompt_cost + set.copy_cost_1 + set.copy_cost_2).min(rules.prize_pool_base);
    let subsidy = rules.prize_pool_base - entries;
    // The house's own sets cost their authors nothing: the house pays the whole base.
    let subsidy_kind = if set.original_player_id == HOUSE_WRITER.as_uuid() {
        "house_funding"
    } else {
        "copy_subsidy"
    };
    [(entries, "pool_funding"), (subsidy, subsidy_kind)].map(|(amount, kind)| Transfer {
        from: Account::House,
        to: Account::Pool(id),
        amount,
        kind,
        reference: Some(id.as_uuid()),
        idempotency_key: Some(format!("{kind}:{id}")),
    })
}

impl Game {
    /// `GET /phrasesets/{id}/results`: for contributors and voters, and for
    /// a party's set also every participant of that party (its reveal shows
    /// them all of it), after finalization.
    #[tracing::instrument(skip_all, fields(player = %player, phraseset = %id))]
    pub async fn phraseset_results(
        &self,
        player: PlayerId,
        id: PhrasesetId,
    ) -> Result<PhrasesetResults> {
        let mut tx = self.store.read().await?;
        let set = tx
            .phraseset(id)
            .await?
            .ok_or_else(|| Error::api(ErrorCode::PhrasesetNotFound, "No such phraseset."))?;
        let votes = tx.votes_on(id).await?;
        let has_voted = votes.iter().any(|v| v.player_id == player.as_uuid());
        let in_its_party = match set.party_session_id {
            Some(session) => tx.participant(session, player).await?.is_some(),
            None => false,
        };
        if !set.has_contributor(player) && !has_voted && !in_its_party {
            return Err(Error::api(
                ErrorCode::NotAContributor,
                "Only the authors and voters of a phraseset (and for a party's set, its party) can see its results.",
            ));
        }
        if set.is_open() {
            return Err(Error::api(
                ErrorCode::ResultsNotAvailable,
                "Results are published when voting on this phraseset ends.",
            ));
        }
        let final_pool = set.final_pool.unwrap_or_default();
        let tally = VoteTally {
            original: i64::from(set.original_votes),
            copy1: i64::from(set.copy_votes_1),
            copy2: i64::from(set.copy_votes_2),
        };
        let prize = split_prize(&self.rules, final_pool, tally);
        let authors: [Uuid; 3] = [set.original_player_id, set.copy_player_1, set.copy_player_2];
        let names = tx.usernames(&authors).await?;
        let roles = [PhraseRole::Original, PhraseRole::Copy1, PhraseRole::Copy2];
        let texts = [&set.original_phrase, &set.copy_phrase_1, &set.copy_phrase_2];
        let counts = [tally.original, tally.copy1, tally.copy2];
        let phrases = (0..3)
            .map(|i| PhraseResult {
                phrase: texts[i].clone(),
                role: roles[i],
                author_id: PlayerId::from_uuid(authors[i]),
                author_username: names[i].clone(),
                votes: counts[i],
                points: prize.points[i],
                payout: Coins::new(prize.payouts[i]),
            })
            .collect();
        let your_role = authors
            .iter()
            .position(|a| *a == player.as_uuid())
            .map(|i| roles[i]);
        let your_payout = tx.paid_from_pool(id, player).await?;
        // The house's shares and the rounding remainder all went back to the house.
        let remainder = if set.is_house_set() {
            0
        } else {
            prize.remainder
        };
        Ok(PhrasesetResults {
            phraseset_id: id,
            prompt_text: set.prompt_text,
            vote_count: i64::from(set.vote_count),
            final_pool: Coins::new(final_pool),
            pool_remainder: Coins::new(remainder),
            finalized_at: Millis(set.finalized_at.unwrap_or_default()).to_datetime(),
            phrases,
            votes: votes
                .into_iter()
                .map(|v| VoterResult {
                    player_id: PlayerId::from_uuid(v.player_id),
                    username: v.username,
                    voted_phrase: v.voted_phrase,
                    correct: v.correct,
                    payout: Coins::new(v.payout),
                })
                .collect(),
            your_role,
            your_payout: Coins::new(your_payout),
        })
    }
}

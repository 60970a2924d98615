//! The stand-ins that write a party's missing copies when COPY ends, so
//! every party phraseset completes. A stand-in is a server-side player that
//! is not a participant (so it never ranks) and pays like anyone. Every
//! copy is written in memory first, then all of them are stored with a
//! fixed number of statements (claims, rounds, party links, the sets they
//! complete, the fees and the pools' funding), however many are missing:
//! this runs under the party's row lock.

use party_protocol::party::PartyPhase;
use party_protocol::{Phrase, PlayerId, RoundId};
use uuid::Uuid;

use super::players::create_bot_player;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::party::bots;
use crate::service::phrasesets::create_phrasesets;
use crate::store::{Account, NewRound, RoundRow, SessionRow, Transfer, Tx};

/// Writes the copies the party's prompts still lack, as stand-ins.
pub(super) async fn fill_missing_copies(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    now: Millis,
) -> Result<()> {
    let prompts = tx.party_prompts(s.session_id).await?;
    // Each prompt needs two copies; the party's open copy rounds were
    // ended first, so every slot not taken by a written copy is free.
    let lacking: Vec<(&RoundRow, usize)> = prompts
        .iter()
        .filter_map(|p| {
            let missing = 2 - p.copies_done.max(p.copy_claims);
            if p.copy_claims > p.copies_done {
                tracing::warn!(session = %s.session_id, prompt = %p.round_id, "copy slot still claimed at the end of COPY");
            }
            usize::try_from(missing).ok().filter(|n| *n > 0).map(|n| (p, n))
        })
        .collect();
    let Some(slots) = lacking.iter().map(|(_, n)| *n).max() else {
        return Ok(());
    };
    // A player copies a prompt only once, so the second missing copy of a
    // prompt has a second stand-in.
    let mut writers = Vec::with_capacity(slots);
    for slot in 0..slots {
        writers.push(standin(tx, rules, s, slot, now).await?);
    }
    let started: Vec<Uuid> = lacking
        .iter()
        .filter(|(p, _)| p.copies_done > 0)
        .map(|(p, _)| p.round_id)
        .collect();
    let existing = tx.submitted_copies_of(&started).await?;
    let mut written = Vec::new();
    let mut claims = Vec::new();
    for (prompt, missing) in &lacking {
        let first = existing
            .get(&prompt.round_id)
            .and_then(|copies| copies.first());
        let copies = write_copies(rules, s, prompt, first, &writers[..*missing], now)?;
        if copies.len() < *missing {
            tracing::warn!(session = %s.session_id, prompt = %prompt.round_id, "stand-in could not copy");
        }
        if !copies.is_empty() {
            claims.push((prompt.id(), copies.len() as i32));
            written.extend(copies);
        }
    }
    store_copies(tx, rules, s, &prompts, &claims, written, now).await
}

/// The session's stand-in number `slot` (0 or 1), created on first use.
async fn standin(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    slot: usize,
    now: Millis,
) -> Result<PlayerId> {
    let name = format!(
        "Standin{}{}",
        if slot == 0 { "A" } else { "B" },
        s.party_code
    );
    if let Some(existing) = tx.player_by_username(&name).await? {
        return Ok(existing.id());
    }
    let (id, _) = create_bot_player(tx, rules, Some(name), now).await?;
    if slot == 0 {
        tx.set_standin(s.session_id, id).await?;
    }
    Ok(id)
}

/// One copy of `prompt` by each of `writers`, as submitted copy rounds with
/// their phrases; a copy no valid phrase came up for is left out. Each one
/// differs from the prompt's first copy (`first`, or the first written here).
fn write_copies(
    rules: &GameRules,
    s: &SessionRow,
    prompt: &RoundRow,
    first: Option<&RoundRow>,
    writers: &[PlayerId],
    now: Millis,
) -> Result<Vec<(NewRound, String)>> {
    let original = Phrase::parse(prompt.submitted_phrase.as_deref().unwrap_or_default())
        .map_err(|e| Error::internal(format!("stored original does not parse: {e}")))?;
    let mut other = match first {
        Some(r) => Some(
            Phrase::parse(r.submitted_phrase.as_deref().unwrap_or_default())
                .map_err(|e| Error::internal(format!("stored copy does not parse: {e}")))?,
        ),
        None => None,
    };
    let prompt_text = prompt.prompt_text.clone().unwrap_or_default();
    let mut copies = Vec::with_capacity(writers.len());
    for writer in writers {
        let Some(phrase) =
            bots::write_copy(&mut rand::rng(), &original, other.as_ref(), &prompt_text)
        else {
            continue;
        };
        let round = NewRound::copy(
            *writer,
            rules.copy_cost,
            now,
            now.plus_secs(rules.copy_seconds),
            prompt.id(),
            Some(original.as_str().to_owned()),
            false,
            Some(s.session_id),
        );
        copies.push((round, phrase.as_str().to_owned()));
        other.get_or_insert(phrase);
    }
    Ok(copies)
}

/// Stores the written copies: slots claimed and copies counted on their
/// prompts, the rounds (submitted) and their party links, the phrasesets
/// they complete, and the entry fees with the new pools' funding.
async fn store_copies(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    prompts: &[RoundRow],
    claims: &[(RoundId, i32)],
    mut written: Vec<(NewRound, String)>,
    now: Millis,
) -> Result<()> {
    let counted = tx.claim_and_count_copies(claims).await?;
    let claimed = |prompt: Option<RoundId>| {
        prompt.is_some_and(|p| counted.iter().any(|(id, _)| *id == p.as_uuid()))
    };
    if counted.len() < claims.len() {
        tracing::warn!(session = %s.session_id, "a prompt had no free copy slot for its stand-in");
        written.retain(|(round, _)| claimed(round.prompt_round_id));
    }
    if written.is_empty() {
        return Ok(());
    }
    tx.insert_submitted_copies(&written, now).await?;
    let links: Vec<(Uuid, RoundId, Option<Uuid>)> = written
        .iter()
        .map(|(round, _)| (Uuid::new_v4(), round.round_id, None))
        .collect();
    tx.insert_party_rounds(s.session_id, &links, "copy", PartyPhase::Copy, now)
        .await?;
    // Prompts whose second copy is now in: their phrasesets, in the
    // party's prompt order.
    let complete: Vec<Uuid> = counted
        .iter()
        .filter(|(_, done)| *done == 2)
        .map(|(id, _)| *id)
        .collect();
    let copies = tx.submitted_copies_of(&complete).await?;
    let sets: Vec<(&RoundRow, &[RoundRow])> = prompts
        .iter()
        .filter_map(|p| copies.get(&p.round_id).map(|c| (p, c.as_slice())))
        .collect();
    let mut transfers: Vec<Transfer<'static>> = written
        .iter()
        .map(|(round, _)| Transfer {
            from: Account::Wallet(round.player_id),
            to: Account::House,
            amount: round.cost,
            kind: "copy_entry",
            reference: Some(round.round_id.as_uuid()),
            idempotency_key: None,
        })
        .collect();
    let (_, funding) = create_phrasesets(tx, rules, &sets, now).await?;
    transfers.extend(funding);
    tx.transfer_all(&transfers, now).await
}

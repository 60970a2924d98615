//! Global content from the house (game-rules §6): when open solo
//! phrasesets cannot give a party's voters their votes, the house prints
//! sets from its library. A printing is an ordinary open solo phraseset
//! signed by the house authors (players made by a migration): solo voters
//! may vote on it too, it finalizes under the solo rules, the house funds
//! its pool at printing and takes the pool back at finalization. A library
//! set can be printed again once its last printing closed, but never for a
//! voter who already voted on it.

use std::collections::HashMap;
use std::sync::LazyLock;

use party_protocol::{PhrasesetId, PlayerId};
use rand::seq::SliceRandom;
use uuid::Uuid;

use super::phrasesets::create_phrasesets;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::game::house_library::{self, HouseLibraryError, HousePhraseset};
use crate::store::{
    Account, HOUSE_COPIERS, HOUSE_WRITER, HouseRounds, PhrasesetRow, RoundRow, Transfer, Tx,
};

/// The library, parsed and checked once (its unit tests keep it valid).
static LIBRARY: LazyLock<Result<Vec<HousePhraseset>, HouseLibraryError>> =
    LazyLock::new(house_library::house_library);

/// Prints up to `count` library sets that none of `voters` ever voted on
/// and that have no open printing (an open one is already offered to
/// voters as global content). Returns the new open sets; fewer than
/// `count` only when the library has no more for these voters.
pub(crate) async fn print_house_sets(
    tx: &mut Tx,
    rules: &GameRules,
    voters: &[PlayerId],
    count: usize,
    now: Millis,
) -> Result<Vec<PhrasesetRow>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let library = LIBRARY
        .as_ref()
        .map_err(|e| Error::internal(format!("house library: {e}")))?;
    let open = tx.open_house_keys(HOUSE_WRITER).await?;
    let seen = tx.house_keys_voted_by(HOUSE_WRITER, voters).await?;
    let mut fresh: Vec<&HousePhraseset> = library
        .iter()
        .filter(|set| {
            let key = (set.prompt.id, set.original.as_str().to_owned());
            !open.contains(&key) && !seen.contains(&key)
        })
        .collect();
    fresh.shuffle(&mut rand::rng());
    fresh.truncate(count);
    let printed = print(tx, rules, &fresh, now).await?;
    if printed.len() < count {
        tracing::warn!(
            wanted = count,
            printed = printed.len(),
            "the house library has no more sets for these voters"
        );
    }
    Ok(printed)
}

/// Writes the printings of `sets`: their rounds, then the phrasesets,
/// funded by the house — a fixed number of statements for all of them.
async fn print(
    tx: &mut Tx,
    rules: &GameRules,
    sets: &[&HousePhraseset],
    now: Millis,
) -> Result<Vec<PhrasesetRow>> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    let printings: Vec<HouseRounds<'_>> = sets
        .iter()
        .map(|set| HouseRounds {
            writer: HOUSE_WRITER,
            copiers: HOUSE_COPIERS,
            prompt_id: set.prompt.id,
            prompt_text: set.prompt.text,
            original: set.original.as_str(),
            copies: [set.copies[0].as_str(), set.copies[1].as_str()],
        })
        .collect();
    let ids = tx.insert_house_rounds(&printings, now).await?;
    let all: Vec<Uuid> = ids
        .iter()
        .flat_map(|&(prompt, copies)| [prompt, copies[0], copies[1]])
        .collect();
    let mut rounds: HashMap<Uuid, RoundRow> = tx
        .rounds_by_ids(&all)
        .await?
        .into_iter()
        .map(|r| (r.round_id, r))
        .collect();
    let mut take = |id: Uuid| {
        rounds
            .remove(&id)
            .ok_or_else(|| Error::internal("house round vanished"))
    };
    let mut written = Vec::with_capacity(ids.len());
    for (prompt, [copy1, copy2]) in ids {
        written.push((take(prompt)?, [take(copy1)?, take(copy2)?]));
    }
    let complete: Vec<(&RoundRow, &[RoundRow])> = written
        .iter()
        .map(|(prompt, copies)| (prompt, copies.as_slice()))
        .collect();
    let (mut rows, funding) = create_phrasesets(tx, rules, &complete, now).await?;
    tx.transfer_all(&funding, now).await?;
    // The rows as stored now: each pool holds its funding.
    for row in &mut rows {
        let pool = Account::Pool(row.id());
        row.prize_pool = funding
            .iter()
            .filter(|t| t.to == pool)
            .map(|t| t.amount)
            .sum();
    }
    Ok(rows)
}

/// Closes a finalized house set's books: its whole pool goes back to the
/// house (its authors are the house), the rounding remainder included.
pub(crate) async fn return_pool(tx: &mut Tx, set: &PhrasesetRow, now: Millis) -> Result<()> {
    let id = PhrasesetId::from_uuid(set.phraseset_id);
    tx.transfer(
        &Transfer {
            from: Account::Pool(id),
            to: Account::House,
            amount: set.prize_pool,
            kind: "house_return",
            reference: Some(set.phraseset_id),
            idempotency_key: Some(format!("house_return:{id}")),
        },
        now,
    )
    .await?;
    Ok(())
}

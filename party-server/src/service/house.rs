//! Global content from the house (game-rules §6): when open solo
//! phrasesets cannot give a party's voters their votes, the house prints
//! sets from its library. A printing is an ordinary open solo phraseset
//! signed by the house authors (players made by a migration): solo voters
//! may vote on it too, it finalizes under the solo rules, the house funds
//! its pool at printing and takes the pool back at finalization. A library
//! set can be printed again once its last printing closed, but never for a
//! voter who already voted on it.

use std::sync::LazyLock;

use party_protocol::{PhrasesetId, PlayerId, RoundId};
use rand::seq::SliceRandom;

use super::phrasesets::create_phraseset;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::game::house_library::{self, HouseLibraryError, HousePhraseset};
use crate::store::{Account, HOUSE_COPIERS, HOUSE_WRITER, HouseRounds, PhrasesetRow, Transfer, Tx};

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
    let mut printed = Vec::with_capacity(count.min(fresh.len()));
    for set in fresh.into_iter().take(count) {
        printed.push(print(tx, rules, set, now).await?);
    }
    if printed.len() < count {
        tracing::warn!(
            wanted = count,
            printed = printed.len(),
            "the house library has no more sets for these voters"
        );
    }
    Ok(printed)
}

/// Writes one printing: its three rounds, then the phraseset, funded by the house.
async fn print(
    tx: &mut Tx,
    rules: &GameRules,
    set: &HousePhraseset,
    now: Millis,
) -> Result<PhrasesetRow> {
    let [copy1, copy2] = &set.copies;
    let (prompt, copies) = tx
        .insert_house_rounds(
            &HouseRounds {
                writer: HOUSE_WRITER,
                copiers: HOUSE_COPIERS,
                prompt_id: set.prompt.id,
                prompt_text: set.prompt.text,
                original: set.original.as_str(),
                copies: [copy1.as_str(), copy2.as_str()],
            },
            now,
        )
        .await?;
    let mut rounds = Vec::with_capacity(3);
    for id in [prompt, copies[0], copies[1]] {
        rounds.push(
            tx.round(RoundId::from_uuid(id))
                .await?
                .ok_or_else(|| Error::internal("house round vanished"))?,
        );
    }
    let id = create_phraseset(tx, rules, &rounds[0], &rounds[1..], now).await?;
    tx.phraseset(id)
        .await?
        .ok_or_else(|| Error::internal("house phraseset vanished"))
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

//! What every round start does, solo or in a party: clear the player of an
//! overdue round, pick an unseen prompt or shuffle a phraseset's phrases,
//! and insert the round with its entry fee paid.

use party_protocol::{ErrorCode, PlayerId};
use rand::seq::SliceRandom;

use super::settlement::expire_round;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::store::{Account, Constraint, NewRound, PhrasesetRow, Transfer, Tx, violates};

/// What every round start does before it picks its target: a round whose
/// time and grace ran out is closed first (so it does not block the player),
/// and any other open round refuses the start.
pub(crate) async fn clear_to_start(
    tx: &mut Tx,
    rules: &GameRules,
    player: PlayerId,
    now: Millis,
) -> Result<()> {
    // One read answers both questions: a player has at most one active
    // round (the database enforces it), so once an overdue one is expired
    // nothing else can be open.
    match tx.active_round(player).await? {
        None => Ok(()),
        Some(round) if now.0 > round.expires_at + rules.grace_seconds * 1000 => {
            expire_round(tx, rules, round.id(), now).await?;
            Ok(())
        }
        Some(_) => Err(already_in_round()),
    }
}

/// A prompt the player has never had, for a new prompt round.
pub(crate) async fn unseen_prompt(tx: &mut Tx, player: PlayerId) -> Result<(i64, String)> {
    tx.unseen_prompt(player).await?.ok_or_else(|| {
        Error::api(
            ErrorCode::NoPromptsAvailable,
            "You have seen every prompt we have.",
        )
    })
}

/// A phraseset's three phrases in random order, so a vote round's choices
/// do not give the original away by position.
pub(crate) fn shuffled_phrases(set: &PhrasesetRow) -> [String; 3] {
    let mut phrases = [
        set.original_phrase.clone(),
        set.copy_phrase_1.clone(),
        set.copy_phrase_2.clone(),
    ];
    phrases.shuffle(&mut rand::rng());
    phrases
}

fn already_in_round() -> Error {
    Error::api(
        ErrorCode::AlreadyInRound,
        "Finish or abandon your current round first.",
    )
}

/// The constraints a second start of a round can run into.
const ROUND_CLASHES: &[Constraint] = &[
    Constraint::OneActiveRound,
    Constraint::OneCopyPerPrompt,
    Constraint::OneVoteRoundPerPhraseset,
];

/// Inserts a new active round and charges its entry to the house, in the
/// caller's transaction. The unique index on active rounds is the real
/// guard against two concurrent starts; its violation is reported as
/// `already_in_round`.
pub(crate) async fn insert_and_pay(
    tx: &mut Tx,
    round: &NewRound,
    kind: &str,
    now: Millis,
) -> Result<()> {
    tx.insert_round(round).await.map_err(|e| {
        if violates(&e, ROUND_CLASHES) {
            already_in_round()
        } else {
            e
        }
    })?;
    tx.transfer(
        &Transfer {
            from: Account::Wallet(round.player_id),
            to: Account::House,
            amount: round.cost,
            kind,
            reference: Some(round.round_id.as_uuid()),
            idempotency_key: None,
        },
        now,
    )
    .await?;
    Ok(())
}

//! Submitting a round, solo or in a party: whether it is still open, the
//! phrase checks, and what a submission writes (a copy may complete its
//! prompt's phraseset; a vote is staked, paid and may finalize its set).

use party_protocol::round::{RoundStatus, RoundType, VoteResponse};
use party_protocol::{Coins, ErrorCode, Phrase, PhrasesetId, RoundId};

use super::settlement::{finalize_phraseset, lock_payees};
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::game::scoring::split_payout;
use crate::game::validation::{self, Rejection};
use crate::service::phrasesets::create_phraseset;
use crate::store::{Account, Constraint, RoundRow, SplitPayout, Transfer, Tx, violates};

/// What a submission stored: the phrase, or the vote with its outcome.
pub(crate) enum Submission {
    Phrase(String),
    Vote(VoteResponse),
}

impl Submission {
    /// The stored phrase (a vote's normalized choice).
    pub(crate) fn phrase(&self) -> &str {
        match self {
            Self::Phrase(p) => p,
            Self::Vote(v) => &v.your_choice,
        }
    }
}

/// Submits `round` (the caller's own, as loaded), solo or in a party.
///
/// Whether the round still takes a submission is decided here, for every
/// kind the same way, by [`lock_open_round`] once its lock is held. Before
/// the lock the answer can be stale: a repeated submission, the loser of two
/// parallel ones, or one into a round the sweeper just expired must answer
/// `round_not_active` or `expired`, never `round_not_found` or a phrase
/// error.
pub(crate) async fn submit(
    tx: &mut Tx,
    rules: &GameRules,
    round: &RoundRow,
    raw: &str,
    now: Millis,
) -> Result<Submission> {
    Ok(match round.kind() {
        RoundType::Prompt => {
            Submission::Phrase(submit_prompt(tx, rules, round.id(), raw, now).await?)
        }
        RoundType::Copy => Submission::Phrase(submit_copy(tx, rules, round.id(), raw, now).await?),
        RoundType::Vote => Submission::Vote(submit_vote(tx, rules, round, raw, now).await?),
    })
}

/// Locks a round and decides whether it still takes a submission: it must
/// be active and within `expires_at` plus the grace period. Returns the
/// round as it is under the lock. On PostgreSQL the row lock makes a
/// concurrent submission, abandon or expiry of the same round either
/// visible here or wait for us; SQLite's single writer does the same.
async fn lock_open_round(
    tx: &mut Tx,
    rules: &GameRules,
    id: RoundId,
    now: Millis,
) -> Result<RoundRow> {
    tx.lock_round(id).await?;
    let round = tx
        .round(id)
        .await?
        .ok_or_else(|| Error::internal("submitted round vanished"))?;
    match round.state() {
        RoundStatus::Active => {}
        RoundStatus::Submitted => {
            return Err(Error::api(
                ErrorCode::RoundNotActive,
                "You already submitted this round.",
            ));
        }
        RoundStatus::Expired => return Err(expired()),
        RoundStatus::Abandoned | RoundStatus::Cancelled => {
            return Err(Error::api(
                ErrorCode::RoundNotActive,
                "This round is already over.",
            ));
        }
    }
    if now.0 > round.expires_at + rules.grace_seconds * 1000 {
        return Err(expired());
    }
    Ok(round)
}

fn expired() -> Error {
    Error::api(ErrorCode::Expired, "Time ran out for this round.")
}

fn rejection(r: &Rejection) -> Error {
    let code = if r.is_duplicate() {
        ErrorCode::DuplicatePhrase
    } else {
        ErrorCode::InvalidPhrase
    };
    Error::api(code, r.message())
}

pub(crate) fn stored_phrase(text: &str) -> Result<Phrase> {
    Phrase::parse(text)
        .map_err(|e| Error::internal(format!("stored phrase {text:?} no longer parses: {e}")))
}

async fn submit_prompt(
    tx: &mut Tx,
    rules: &GameRules,
    id: RoundId,
    raw: &str,
    now: Millis,
) -> Result<String> {
    let round = lock_open_round(tx, rules, id, now).await?;
    let prompt_text = round.prompt_text.as_deref().unwrap_or_default();
    let phrase = validation::validate_prompt_phrase(raw, prompt_text).map_err(|r| rejection(&r))?;
    if !tx.submit_round(round.id(), phrase.as_str(), now).await? {
        return Err(Error::api(
            ErrorCode::RoundNotActive,
            "This round is already over.",
        ));
    }
    Ok(phrase.as_str().to_owned())
}

async fn submit_copy(
    tx: &mut Tx,
    rules: &GameRules,
    id: RoundId,
    raw: &str,
    now: Millis,
) -> Result<String> {
    // Lock the copy round itself first, then its prompt: the same order as
    // abandon and expiry (which end the copy round, then release the
    // prompt's slot). Taking the prompt first deadlocked against them on
    // PostgreSQL. Only the round as seen under its lock counts: a
    // concurrent submission of this same round may have won while we
    // waited, and its phrase must not be taken for "the other copy" (which
    // answered a double submit with `duplicate_phrase` instead of
    // `round_not_active`).
    let round = lock_open_round(tx, rules, id, now).await?;
    let prompt_round_id = round
        .prompt_round_id
        .map(RoundId::from_uuid)
        .ok_or_else(|| Error::internal("copy round without prompt"))?;
    // Both copies of a prompt are checked against each other: lock the
    // prompt so two copiers submitting at once see each other's phrase.
    tx.lock_round(prompt_round_id).await?;
    let prompt = tx
        .round(prompt_round_id)
        .await?
        .ok_or_else(|| Error::internal("prompt round vanished"))?;
    let original = stored_phrase(prompt.submitted_phrase.as_deref().unwrap_or_default())?;
    let others = tx.submitted_copies(prompt_round_id).await?;
    let other = match others.first().and_then(|r| r.submitted_phrase.as_deref()) {
        Some(text) => Some(stored_phrase(text)?),
        None => None,
    };
    let phrase = validation::validate_copy_phrase(
        raw,
        &original,
        other.as_ref(),
        prompt.prompt_text.as_deref().unwrap_or_default(),
    )
    .map_err(|r| rejection(&r))?;
    if !tx.submit_round(round.id(), phrase.as_str(), now).await? {
        return Err(Error::api(
            ErrorCode::RoundNotActive,
            "This round is already over.",
        ));
    }
    if tx.add_copy_done(prompt_round_id).await? == 2 {
        let copies = tx.submitted_copies(prompt_round_id).await?;
        create_phraseset(tx, rules, &prompt, &copies, now).await?;
    }
    Ok(phrase.as_str().to_owned())
}

/// Records a vote: the stake goes into the pool, a correct vote is paid out
/// of it at once, and the twentieth vote finalizes the set in the same
/// transaction.
async fn submit_vote(
    tx: &mut Tx,
    rules: &GameRules,
    round: &RoundRow,
    raw: &str,
    now: Millis,
) -> Result<VoteResponse> {
    let player = round.player();
    let phraseset = round
        .phraseset_id
        .map(PhrasesetId::from_uuid)
        .ok_or_else(|| Error::internal("vote round without phraseset"))?;
    // The set before the round: finalization locks them in this order too.
    let set = tx
        .phraseset_for_update(phraseset)
        .await?
        .ok_or_else(|| Error::api(ErrorCode::PhrasesetNotFound, "No such phraseset."))?;
    let round = lock_open_round(tx, rules, round.id(), now).await?;
    if !set.is_open() {
        return Err(Error::api(
            ErrorCode::RoundNotActive,
            "Voting on this phraseset has closed.",
        ));
    }
    let choice = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let shown = round
        .phrases()
        .ok_or_else(|| Error::internal("vote round without phrases"))?;
    if !shown.contains(&choice) {
        return Err(Error::api(
            ErrorCode::InvalidVote,
            "Pick one of the three phrases shown.",
        ));
    }
    let slot = if choice == set.original_phrase {
        0
    } else if choice == set.copy_phrase_1 {
        1
    } else {
        2
    };
    let correct = slot == 0;
    // A vote that finalizes the set pays several players: lock them all in
    // the fixed order before touching any balance, the voter's included.
    if i64::from(set.vote_count) + 1 >= rules.finalize_at_votes {
        lock_payees(tx, &set, Some(player)).await?;
    }
    if !tx.submit_round(round.id(), &choice, now).await? {
        return Err(Error::api(
            ErrorCode::RoundNotActive,
            "This round is already over.",
        ));
    }
    let vote_id = uuid::Uuid::new_v4();
    let payout = if correct {
        rules.vote_payout_correct
    } else {
        0
    };
    tx.insert_vote(
        vote_id,
        phraseset,
        player,
        round.id(),
        &choice,
        correct,
        payout,
        now,
    )
    .await
    .map_err(|e| {
        if violates(
            &e,
            &[Constraint::OneVotePerRound, Constraint::OneVotePerPlayer],
        ) {
            Error::api(
                ErrorCode::RoundNotActive,
                "You already voted on this phraseset.",
            )
        } else {
            e
        }
    })?;
    tx.transfer(
        &Transfer {
            from: Account::House,
            to: Account::Pool(phraseset),
            amount: round.cost,
            kind: "vote_stake",
            reference: Some(vote_id),
            idempotency_key: None,
        },
        now,
    )
    .await?;
    if correct {
        let split = split_payout(rules, payout, round.cost);
        tx.pay_from_pools(
            &[SplitPayout {
                pool: phraseset,
                player,
                wallet: split.wallet,
                vault: split.vault,
                kind: "vote_payout",
                reference: vote_id,
                key: format!("vote:{vote_id}"),
            }],
            now,
        )
        .await?;
    }
    let votes = tx.count_vote(phraseset, slot, now).await?;
    // Party phrasesets settle when their party reaches RESULTS, never by vote count.
    if i64::from(votes) >= rules.finalize_at_votes && set.party_session_id.is_none() {
        finalize_phraseset(tx, rules, phraseset, now).await?;
    }
    Ok(VoteResponse {
        correct,
        payout: Coins::new(payout),
        original_phrase: set.original_phrase,
        your_choice: choice,
    })
}

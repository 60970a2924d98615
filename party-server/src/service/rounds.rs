//! Prompt, copy and vote rounds (game-rules §3): start, submit, abandon,
//! expire, and what a player may see of them.

use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, CurrentRoundResponse, PromptRoundResponse,
    RoundAvailability, RoundDetails, RoundStatus, RoundType, SubmitResponse, VoteResponse,
    VoteRoundResponse,
};
use party_protocol::{Coins, ErrorCode, Phrase, PhrasesetId, PlayerId, RoundId};
use rand::seq::SliceRandom;

use super::Game;
use super::phrasesets::{create_phraseset, finalize_phraseset, lock_payees};
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::game::scoring::split_payout;
use crate::game::validation::{self, Rejection};
use crate::store::{
    Account, Constraint, NewRound, PhrasesetRow, RoundRow, SplitPayout, Transfer, Tx, violates,
};

impl Game {
    /// `POST /rounds/prompt`.
    pub async fn start_prompt_round(&self, player: PlayerId) -> Result<PromptRoundResponse> {
        let rules = &self.rules;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        clear_to_start(&mut tx, rules, player, now).await?;
        let row = tx.player(player).await?.ok_or_else(unknown_player)?;
        let limit = if row.is_guest {
            rules.max_outstanding_prompts_guest
        } else {
            rules.max_outstanding_prompts
        };
        if tx.outstanding_prompts(player).await? >= limit {
            return Err(Error::api(
                ErrorCode::MaxOutstandingPrompts,
                format!("You already have {limit} prompts waiting for copies and votes."),
            ));
        }
        let (prompt_id, prompt_text) = unseen_prompt(&mut tx, player).await?;
        let round = NewRound::prompt(
            player,
            rules.prompt_cost,
            now,
            now.plus_secs(rules.prompt_seconds),
            prompt_id,
            prompt_text.clone(),
            None,
        );
        insert_and_pay(&mut tx, &round, "prompt_entry", now).await?;
        tx.commit().await?;
        Ok(PromptRoundResponse {
            round_id: round.round_id,
            prompt_text,
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
        })
    }

    /// `POST /rounds/copy`.
    pub async fn start_copy_round(&self, player: PlayerId) -> Result<CopyRoundResponse> {
        let rules = &self.rules;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        clear_to_start(&mut tx, rules, player, now).await?;
        let discount = tx.prompts_waiting().await? > rules.copy_discount_threshold;
        let cooldown_start = now.minus_secs(rules.copy_abandon_cooldown_seconds);
        // On PostgreSQL another copier can take the last slot between our
        // pick and our claim; the claim is a compare-and-set, so we just pick again.
        let mut prompt = None;
        for _ in 0..5 {
            let candidate = tx
                .next_prompt_to_copy(player, cooldown_start)
                .await?
                .ok_or_else(|| {
                    Error::api(
                        ErrorCode::NoPromptsAvailable,
                        "No prompt is waiting for a copy right now.",
                    )
                })?;
            if tx.claim_copy_slot(candidate.id()).await? {
                prompt = Some(candidate);
                break;
            }
        }
        let prompt = prompt.ok_or_else(|| {
            Error::api(
                ErrorCode::NoPromptsAvailable,
                "No prompt is waiting for a copy right now.",
            )
        })?;
        let original = prompt
            .submitted_phrase
            .clone()
            .ok_or_else(|| Error::internal("queued prompt has no phrase"))?;
        let round = NewRound::copy(
            player,
            rules.copy_cost_for(discount),
            now,
            now.plus_secs(rules.copy_seconds),
            prompt.id(),
            Some(original.clone()),
            discount,
            None,
        );
        insert_and_pay(&mut tx, &round, "copy_entry", now).await?;
        tx.commit().await?;
        Ok(CopyRoundResponse {
            round_id: round.round_id,
            original_phrase: original,
            prompt_round_id: prompt.id(),
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
            discount_active: discount,
        })
    }

    /// `POST /rounds/vote`.
    pub async fn start_vote_round(&self, player: PlayerId) -> Result<VoteRoundResponse> {
        let rules = &self.rules;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        clear_to_start(&mut tx, rules, player, now).await?;
        let set = tx.next_phraseset_to_vote(player).await?.ok_or_else(|| {
            Error::api(
                ErrorCode::NoPhrasesetsAvailable,
                "No phraseset is waiting for your vote right now.",
            )
        })?;
        let phrases = shuffled_phrases(&set);
        let round = NewRound::vote(
            player,
            rules.vote_cost,
            now,
            now.plus_secs(rules.vote_seconds),
            set.prompt_id,
            set.prompt_text.clone(),
            set.id(),
            phrases.clone(),
            None,
        );
        insert_and_pay(&mut tx, &round, "vote_entry", now).await?;
        tx.commit().await?;
        Ok(VoteRoundResponse {
            round_id: round.round_id,
            phraseset_id: set.id(),
            prompt_text: set.prompt_text,
            phrases,
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
        })
    }

    /// `POST /rounds/{round_id}/submit`: a phrase for a prompt or copy round,
    /// or a choice for a vote round.
    pub async fn submit_round(
        &self,
        player: PlayerId,
        round_id: RoundId,
        phrase: &str,
    ) -> Result<SubmitResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let round = own_round(&mut tx, player, round_id).await?;
        let kind = round.kind();
        if let Some(session) = round.party_session_id {
            // A party round counts for its party: submit it the party's way.
            drop(tx);
            let out = self
                .submit_party_round(player, session, round_id, phrase)
                .await?;
            return Ok(SubmitResponse {
                success: out.success,
                phrase: out.phrase,
                round_type: out.round_type,
            });
        }
        let stored = match kind {
            RoundType::Vote => {
                // Judge the round itself first, as for prompts and copies:
                // `submit_vote` looks only for an *active* vote round, so a
                // round that expired or was already submitted would otherwise
                // be reported as `round_not_found` instead of `expired` or
                // `round_not_active`.
                ensure_open(&self.rules, &round, now)?;
                let set = round
                    .phraseset_id
                    .map(PhrasesetId::from_uuid)
                    .ok_or_else(|| Error::internal("vote round without phraseset"))?;
                submit_vote(&mut tx, &self.rules, player, set, phrase, now)
                    .await?
                    .your_choice
            }
            RoundType::Prompt | RoundType::Copy => {
                ensure_open(&self.rules, &round, now)?;
                if kind == RoundType::Prompt {
                    submit_prompt(&mut tx, &round, phrase, now).await?
                } else {
                    submit_copy(&mut tx, &self.rules, &round, phrase, now).await?
                }
            }
        };
        tx.commit().await?;
        Ok(SubmitResponse {
            success: true,
            phrase: stored,
            round_type: kind,
        })
    }

    /// `POST /phrasesets/{phraseset_id}/vote`.
    pub async fn vote(
        &self,
        player: PlayerId,
        phraseset: PhrasesetId,
        phrase: &str,
    ) -> Result<VoteResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // A party vote round counts for its party: submit it the party's way,
        // as `submit_round` does. Recorded here directly, the vote reached
        // the phraseset but not the party (counter, assignment, phase), so
        // the voter could never meet their quota (`no_phrasesets_available`)
        // and the party waited for its deadline.
        if let Some(round) = tx.active_vote_round(player, phraseset).await?
            && let Some(session) = round.party_session_id
        {
            drop(tx);
            let out = self
                .submit_party_round(player, session, round.id(), phrase)
                .await?;
            let correct = out.correct.unwrap_or(false);
            let mut tx = self.store.read().await?;
            let set = tx
                .phraseset(phraseset)
                .await?
                .ok_or_else(|| Error::internal("voted phraseset vanished"))?;
            return Ok(VoteResponse {
                correct,
                payout: Coins::new(if correct {
                    self.rules.vote_payout_correct
                } else {
                    0
                }),
                original_phrase: set.original_phrase,
                your_choice: out.phrase,
            });
        }
        let response = submit_vote(&mut tx, &self.rules, player, phraseset, phrase, now).await?;
        tx.commit().await?;
        Ok(response)
    }

    /// `POST /rounds/{round_id}/abandon`.
    pub async fn abandon_round(
        &self,
        player: PlayerId,
        round_id: RoundId,
    ) -> Result<AbandonResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        own_round(&mut tx, player, round_id).await?;
        let ended = tx
            .end_round(round_id, RoundStatus::Abandoned, now)
            .await?
            .ok_or_else(|| Error::api(ErrorCode::RoundNotActive, "This round is already over."))?;
        let (refund, kept) =
            settle_ended_round(&mut tx, &self.rules, &ended, RoundStatus::Abandoned, now).await?;
        tx.commit().await?;
        Ok(AbandonResponse {
            round_id,
            refund_amount: Coins::new(refund),
            penalty_kept: Coins::new(kept),
        })
    }

    /// `GET /rounds/{round_id}`: the caller's own rounds only.
    pub async fn round_details(&self, player: PlayerId, round_id: RoundId) -> Result<RoundDetails> {
        let mut tx = self.store.read().await?;
        let round = own_round(&mut tx, player, round_id).await?;
        Ok(details(&round))
    }

    /// `GET /player/current-round`.
    pub async fn current_round(&self, player: PlayerId) -> Result<CurrentRoundResponse> {
        let mut tx = self.store.read().await?;
        current_round_in(&mut tx, player).await
    }

    /// `GET /rounds/available`.
    pub async fn availability(&self, player: PlayerId) -> Result<RoundAvailability> {
        let mut tx = self.store.read().await?;
        availability_in(&mut tx, &self.rules, player, self.now()).await
    }
}

pub(super) async fn current_round_in(
    tx: &mut Tx,
    player: PlayerId,
) -> Result<CurrentRoundResponse> {
    Ok(match tx.active_round(player).await? {
        Some(round) => CurrentRoundResponse::Active(Box::new(details(&round))),
        None => CurrentRoundResponse::none(),
    })
}

pub(super) async fn availability_in(
    tx: &mut Tx,
    rules: &GameRules,
    player: PlayerId,
    now: Millis,
) -> Result<RoundAvailability> {
    let row = tx.player(player).await?.ok_or_else(unknown_player)?;
    let busy = tx
        .active_round(player)
        .await?
        .is_some_and(|r| r.expires_at + rules.grace_seconds * 1000 >= now.0);
    let prompts_waiting = tx.prompts_waiting().await?;
    let discount = prompts_waiting > rules.copy_discount_threshold;
    let copy_cost = rules.copy_cost_for(discount);
    let copyable = tx
        .next_prompt_to_copy(player, now.minus_secs(rules.copy_abandon_cooldown_seconds))
        .await?
        .is_some();
    let phrasesets_waiting = tx.phrasesets_waiting_for(player).await?;
    let limit = if row.is_guest {
        rules.max_outstanding_prompts_guest
    } else {
        rules.max_outstanding_prompts
    };
    let outstanding = tx.outstanding_prompts(player).await?;
    Ok(RoundAvailability {
        can_prompt: !busy && row.wallet >= rules.prompt_cost && outstanding < limit,
        can_copy: !busy && row.wallet >= copy_cost && copyable,
        can_vote: !busy && row.wallet >= rules.vote_cost && phrasesets_waiting > 0,
        prompts_waiting,
        phrasesets_waiting,
        copy_discount_active: discount,
        copy_cost: Coins::new(copy_cost),
    })
}

pub(super) fn unknown_player() -> Error {
    Error::api(ErrorCode::Unauthorized, "This account no longer exists.")
}

/// The caller's round, or `round_not_found` — also for someone else's
/// round, so ids of other players' rounds reveal nothing.
pub(super) async fn own_round(
    tx: &mut Tx,
    player: PlayerId,
    round_id: RoundId,
) -> Result<RoundRow> {
    tx.round(round_id)
        .await?
        .filter(|r| r.player() == player)
        .ok_or_else(|| Error::api(ErrorCode::RoundNotFound, "No such round of yours."))
}

/// What every round start does before it picks its target: a round whose
/// time and grace ran out is closed first (so it does not block the player),
/// and any other open round refuses the start.
pub(super) async fn clear_to_start(
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
pub(super) async fn unseen_prompt(tx: &mut Tx, player: PlayerId) -> Result<(i64, String)> {
    tx.unseen_prompt(player).await?.ok_or_else(|| {
        Error::api(
            ErrorCode::NoPromptsAvailable,
            "You have seen every prompt we have.",
        )
    })
}

/// A phraseset's three phrases in random order, so a vote round's choices
/// do not give the original away by position.
pub(super) fn shuffled_phrases(set: &PhrasesetRow) -> [String; 3] {
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
pub(super) async fn insert_and_pay(
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

/// Submissions are accepted until `expires_at` plus the grace period.
pub(super) fn ensure_open(rules: &GameRules, round: &RoundRow, now: Millis) -> Result<()> {
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
    Ok(())
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

pub(super) fn stored_phrase(text: &str) -> Result<Phrase> {
    Phrase::parse(text)
        .map_err(|e| Error::internal(format!("stored phrase {text:?} no longer parses: {e}")))
}

pub(super) async fn submit_prompt(
    tx: &mut Tx,
    round: &RoundRow,
    raw: &str,
    now: Millis,
) -> Result<String> {
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

pub(super) async fn submit_copy(
    tx: &mut Tx,
    rules: &GameRules,
    round: &RoundRow,
    raw: &str,
    now: Millis,
) -> Result<String> {
    let prompt_round_id = round
        .prompt_round_id
        .map(RoundId::from_uuid)
        .ok_or_else(|| Error::internal("copy round without prompt"))?;
    // Lock the copy round itself first, then its prompt: the same order as
    // abandon and expiry (which end the copy round, then release the
    // prompt's slot). Taking the prompt first deadlocked against them on
    // PostgreSQL. Once we hold the round, check it again: a concurrent
    // submission of this same round may have won while we waited, and its
    // phrase must not be taken for "the other copy" (which answered a
    // double submit with `duplicate_phrase` instead of `round_not_active`).
    tx.lock_round(round.id()).await?;
    let current = tx
        .round(round.id())
        .await?
        .ok_or_else(|| Error::internal("copy round vanished"))?;
    ensure_open(rules, &current, now)?;
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
pub(super) async fn submit_vote(
    tx: &mut Tx,
    rules: &GameRules,
    player: PlayerId,
    phraseset: PhrasesetId,
    raw: &str,
    now: Millis,
) -> Result<VoteResponse> {
    let set = tx
        .phraseset_for_update(phraseset)
        .await?
        .ok_or_else(|| Error::api(ErrorCode::PhrasesetNotFound, "No such phraseset."))?;
    let Some(round) = tx.active_vote_round(player, phraseset).await? else {
        return Err(Error::api(
            ErrorCode::RoundNotFound,
            "You have no open vote round on this phraseset.",
        ));
    };
    ensure_open(rules, &round, now)?;
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

/// Expires one active round with its refund; false if it was no longer active.
pub(super) async fn expire_round(
    tx: &mut Tx,
    rules: &GameRules,
    round: RoundId,
    now: Millis,
) -> Result<bool> {
    match tx.end_round(round, RoundStatus::Expired, now).await? {
        Some(ended) => {
            settle_ended_round(tx, rules, &ended, RoundStatus::Expired, now).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The money side of a round that ended without a submission. Prompt and
/// copy rounds are refunded minus the penalty (a copy's slot goes back to
/// the queue); a vote's fee is forfeited; a cancelled round is refunded in
/// full. Returns (refund, kept by the house).
pub(super) async fn settle_ended_round(
    tx: &mut Tx,
    rules: &GameRules,
    round: &RoundRow,
    status: RoundStatus,
    now: Millis,
) -> Result<(i64, i64)> {
    let kind = round.kind();
    let refund = match (status, kind) {
        (RoundStatus::Cancelled, _) => round.cost,
        (_, RoundType::Vote) => 0,
        (_, RoundType::Prompt | RoundType::Copy) => (round.cost - rules.abandon_penalty).max(0),
    };
    if kind == RoundType::Copy
        && let Some(prompt) = round.prompt_round_id
    {
        tx.release_copy_slot(RoundId::from_uuid(prompt)).await?;
    }
    if round.party_session_id.is_some() {
        // The party's copy or vote work goes back to the player's list.
        tx.finish_assignment(round.id(), false).await?;
    }
    tx.transfer(
        &Transfer {
            from: Account::House,
            to: Account::Wallet(round.player()),
            amount: refund,
            kind: "refund",
            reference: Some(round.round_id),
            idempotency_key: Some(format!("refund:{}", round.round_id)),
        },
        now,
    )
    .await?;
    Ok((refund, round.cost - refund))
}

pub(super) fn details(round: &RoundRow) -> RoundDetails {
    let kind = round.kind();
    RoundDetails {
        round_id: round.id(),
        round_type: kind,
        status: round.state(),
        cost: Coins::new(round.cost),
        created_at: Millis(round.created_at).to_datetime(),
        expires_at: Millis(round.expires_at).to_datetime(),
        // A copier never learns the prompt text.
        prompt_text: if kind == RoundType::Copy {
            None
        } else {
            round.prompt_text.clone()
        },
        original_phrase: round.original_phrase.clone(),
        prompt_round_id: round.prompt_round_id.map(RoundId::from_uuid),
        discount_active: round.discount,
        phraseset_id: round.phraseset_id.map(PhrasesetId::from_uuid),
        phrases: round.phrases(),
        submitted_phrase: round.submitted_phrase.clone(),
    }
}

//! Solo round endpoints (game-rules §3): starting prompt, copy and vote
//! rounds from the shared queues, submitting, voting, abandoning, and what a
//! player may see of their rounds. A round that belongs to a party is handed
//! to the party's submission path, so it counts for its party.

use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, CurrentRoundResponse, PromptRoundResponse,
    RoundAvailability, RoundDetails, RoundStatus, SubmitResponse, VoteResponse, VoteRoundResponse,
};
use party_protocol::{Coins, ErrorCode, PhrasesetId, PlayerId, RoundId};

use super::lookup::{details, own_round, unknown_player};
use super::settlement::settle_ended_round;
use super::start::{clear_to_start, insert_and_pay, shuffled_phrases, unseen_prompt};
use super::submit::{Submission, submit};
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::store::{NewRound, Tx};

impl Game {
    /// `POST /rounds/prompt`.
    #[tracing::instrument(skip_all, fields(player = %player))]
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
    #[tracing::instrument(skip_all, fields(player = %player))]
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
    #[tracing::instrument(skip_all, fields(player = %player))]
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
    #[tracing::instrument(skip_all, fields(player = %player, round = %round_id))]
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
        let stored = submit(&mut tx, &self.rules, &round, phrase, now).await?;
        tx.commit().await?;
        Ok(SubmitResponse {
            success: true,
            phrase: stored.phrase().to_owned(),
            round_type: kind,
        })
    }

    /// `POST /phrasesets/{phraseset_id}/vote`.
    #[tracing::instrument(skip_all, fields(player = %player, phraseset = %phraseset))]
    pub async fn vote(
        &self,
        player: PlayerId,
        phraseset: PhrasesetId,
        phrase: &str,
    ) -> Result<VoteResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // The caller's vote round on the set, open or not: whether it still
        // takes the vote is decided under its lock, as for every submission,
        // so a repeated or late vote is `round_not_active` or `expired`.
        let Some(round) = tx.latest_vote_round(player, phraseset).await? else {
            return Err(if tx.phraseset(phraseset).await?.is_none() {
                Error::api(ErrorCode::PhrasesetNotFound, "No such phraseset.")
            } else {
                Error::api(
                    ErrorCode::RoundNotFound,
                    "You have no vote round on this phraseset.",
                )
            });
        };
        // A party vote round counts for its party: submit it the party's way,
        // as `submit_round` does. Recorded here directly, the vote reached
        // the phraseset but not the party (counter, assignment, phase), so
        // the voter could never meet their quota (`no_phrasesets_available`)
        // and the party waited for its deadline.
        if let Some(session) = round.party_session_id {
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
        let Submission::Vote(response) = submit(&mut tx, &self.rules, &round, phrase, now).await?
        else {
            return Err(Error::internal("a vote round stored a phrase"));
        };
        tx.commit().await?;
        Ok(response)
    }

    /// `POST /rounds/{round_id}/abandon`.
    #[tracing::instrument(skip_all, fields(player = %player, round = %round_id))]
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
    #[tracing::instrument(skip_all, fields(player = %player, round = %round_id))]
    pub async fn round_details(&self, player: PlayerId, round_id: RoundId) -> Result<RoundDetails> {
        let mut tx = self.store.read().await?;
        let round = own_round(&mut tx, player, round_id).await?;
        Ok(details(&round))
    }

    /// `GET /player/current-round`.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn current_round(&self, player: PlayerId) -> Result<CurrentRoundResponse> {
        let mut tx = self.store.read().await?;
        current_round_in(&mut tx, player).await
    }

    /// `GET /rounds/available`.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn availability(&self, player: PlayerId) -> Result<RoundAvailability> {
        let mut tx = self.store.read().await?;
        availability_in(&mut tx, &self.rules, player, self.now()).await
    }
}

pub(crate) async fn current_round_in(
    tx: &mut Tx,
    player: PlayerId,
) -> Result<CurrentRoundResponse> {
    Ok(match tx.active_round(player).await? {
        Some(round) => CurrentRoundResponse::Active(Box::new(details(&round))),
        None => CurrentRoundResponse::none(),
    })
}

pub(crate) async fn availability_in(
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
        prompt_cost: Coins::new(rules.prompt_cost),
        vote_cost: Coins::new(rules.vote_cost),
    })
}

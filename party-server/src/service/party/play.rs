//! Party rounds (plan §4.2): starting prompt, copy and vote rounds inside a
//! party, and submitting them. Party rounds are normal rounds of the core
//! game — same costs, ledger and validation — tied to the party, with the
//! copy and vote targets taken from the player's assignments.

use party_protocol::party::{
    OwnPhaseProgress, PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse,
    PartySubmitResponse, PartyVoteRoundResponse, PhaseTransitionInfo, RoundSessionProgress,
};
use party_protocol::party_ws::{PhaseProgress, PlayerCounters, ProgressAction, ServerEvent};
use party_protocol::round::RoundType;
use party_protocol::{Coins, ErrorCode, PlayerId, RoundId};
use uuid::Uuid;

use super::access::{ended, locked, member, not_participant};
use super::events::emit_activity;
use super::phases;
use super::progress::{phase_counts, progress_of};
use super::votes::vote_target;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::service::rounds::lookup::own_round;
use crate::service::rounds::start::{
    clear_to_start, insert_and_pay, shuffled_phrases, unseen_prompt,
};
use crate::service::rounds::submit::{Submission, submit};
use crate::store::{NewRound, ParticipantRow, SessionRow, SubmissionKind, Tx};

fn wrong_phase(expected: PartyPhase, s: &SessionRow) -> Error {
    Error::api(
        ErrorCode::WrongPhase,
        format!("The party is in {}, not {}.", s.phase(), expected),
    )
}

/// A party round runs until its own timer or the phase deadline, whichever is first.
fn party_expiry(s: &SessionRow, now: Millis, secs: i64) -> Millis {
    let own = now.plus_secs(secs);
    s.phase_expires_at
        .map_or(own, |deadline| Millis(own.0.min(deadline)))
}

/// The caller's participant row, refusing players who left.
async fn playing_member(tx: &mut Tx, s: &SessionRow, player: PlayerId) -> Result<ParticipantRow> {
    let me = member(tx, s.session_id, player).await?;
    if me.has_left() {
        return Err(Error::api(
            ErrorCode::NotAParticipant,
            "You left this party.",
        ));
    }
    Ok(me)
}

/// What a started party round is.
pub(super) struct Started {
    pub round_id: RoundId,
    pub party_round_id: Uuid,
}

/// Refuses a round of `phase` unless the party is in it and the caller
/// still owes one, then clears the caller to start (as outside parties).
async fn check_can_start(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    phase: PartyPhase,
    now: Millis,
) -> Result<()> {
    if s.phase() != phase {
        return Err(wrong_phase(phase, s));
    }
    if progress_of(s, me).done_with(phase) {
        let (code, message) = match phase {
            PartyPhase::Copy => (
                ErrorCode::CopiesComplete,
                "You wrote all your copies for this party.",
            ),
            PartyPhase::Vote => (
                ErrorCode::VotesComplete,
                "You cast all your votes for this party.",
            ),
            _ => (
                ErrorCode::AlreadySubmitted,
                "You already wrote your prompt for this party.",
            ),
        };
        return Err(Error::api(code, message));
    }
    clear_to_start(tx, rules, me.player(), now).await
}

/// Charges for a new party round and ties it to the party and, for copies
/// and votes, to the assignment it serves.
async fn record_party_round(
    tx: &mut Tx,
    s: &SessionRow,
    me: &ParticipantRow,
    round: &NewRound,
    phase: PartyPhase,
    assignment: Option<Uuid>,
    now: Millis,
) -> Result<Started> {
    let (entry, kind) = match phase {
        PartyPhase::Copy => ("copy_entry", "copy"),
        PartyPhase::Vote => ("vote_entry", "vote"),
        _ => ("prompt_entry", "prompt"),
    };
    insert_and_pay(tx, round, entry, now).await?;
    if let Some(assignment) = assignment {
        tx.start_assignment(assignment, round.round_id).await?;
    }
    let party_round_id = tx
        .insert_party_round(
            s.session_id,
            round.round_id,
            Some(me.participant_id),
            kind,
            phase,
            now,
        )
        .await?;
    Ok(Started {
        round_id: round.round_id,
        party_round_id,
    })
}

pub(super) async fn start_prompt_in(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    now: Millis,
) -> Result<(Started, NewRound)> {
    check_can_start(tx, rules, s, me, PartyPhase::Prompt, now).await?;
    let player = me.player();
    let (prompt_id, prompt_text) = unseen_prompt(tx, player).await?;
    let round = NewRound::prompt(
        player,
        rules.prompt_cost,
        now,
        party_expiry(s, now, rules.prompt_seconds),
        prompt_id,
        prompt_text,
        Some(s.session_id),
    );
    let started = record_party_round(tx, s, me, &round, PartyPhase::Prompt, None, now).await?;
    Ok((started, round))
}

pub(super) async fn start_copy_in(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    now: Millis,
) -> Result<(Started, NewRound, bool)> {
    check_can_start(tx, rules, s, me, PartyPhase::Copy, now).await?;
    let player = me.player();
    let assignment = tx
        .next_assignment(s.session_id, player, "copy")
        .await?
        .ok_or_else(|| {
            Error::api(
                ErrorCode::NoPromptsAvailable,
                "No prompt is waiting for your copy.",
            )
        })?;
    let prompt_round = RoundId::from_uuid(assignment.target_id);
    let prompt = tx
        .round(prompt_round)
        .await?
        .ok_or_else(|| Error::internal("assigned prompt vanished"))?;
    if !tx.claim_copy_slot(prompt_round).await? {
        return Err(Error::api(
            ErrorCode::NoPromptsAvailable,
            "That prompt already has its copies.",
        ));
    }
    let second = prompt.copy_claims + 1 >= 2;
    let discount = tx.prompts_waiting().await? > rules.copy_discount_threshold;
    let round = NewRound::copy(
        player,
        rules.copy_cost_for(discount),
        now,
        party_expiry(s, now, rules.copy_seconds),
        prompt_round,
        prompt.submitted_phrase.clone(),
        discount,
        Some(s.session_id),
    );
    let started = record_party_round(
        tx,
        s,
        me,
        &round,
        PartyPhase::Copy,
        Some(assignment.assignment_id),
        now,
    )
    .await?;
    Ok((started, round, second))
}

/// Starts the caller's next vote; the flag says whether it is on one of
/// the party's own phrasesets (false: a global one).
pub(super) async fn start_vote_in(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    now: Millis,
) -> Result<(Started, NewRound, bool)> {
    check_can_start(tx, rules, s, me, PartyPhase::Vote, now).await?;
    let player = me.player();
    let assignment = tx
        .next_assignment(s.session_id, player, "vote")
        .await?
        .ok_or_else(|| {
            Error::api(
                ErrorCode::NoPhrasesetsAvailable,
                "No phraseset is waiting for your vote.",
            )
        })?;
    let set = vote_target(tx, rules, s, player, &assignment, now).await?;
    let round = NewRound::vote(
        player,
        rules.vote_cost,
        now,
        party_expiry(s, now, rules.vote_seconds),
        set.prompt_id,
        set.prompt_text.clone(),
        set.id(),
        shuffled_phrases(&set),
        Some(s.session_id),
    );
    let started = record_party_round(
        tx,
        s,
        me,
        &round,
        PartyPhase::Vote,
        Some(assignment.assignment_id),
        now,
    )
    .await?;
    Ok((started, round, set.party_session_id == Some(s.session_id)))
}

/// What a party submission did.
pub(super) struct Submitted {
    pub phrase: String,
    pub kind: RoundType,
    pub correct: Option<bool>,
    pub transition: Option<PhaseTransitionInfo>,
    /// The participants right after this submission was counted (before
    /// any transition), for the caller's progress.
    pub everyone: Vec<ParticipantRow>,
}

/// Submits a party round: the core submission, the participant's counter,
/// a `progress_update` event, and — if everyone is now done — the phase
/// change, all in the caller's transaction.
pub(super) async fn submit_in(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    round_id: RoundId,
    phrase: &str,
    now: Millis,
) -> Result<Submitted> {
    let player = me.player();
    let round = own_round(tx, player, round_id).await?;
    if round.party_session_id != Some(s.session_id) {
        return Err(Error::api(
            ErrorCode::RoundNotFound,
            "No such round of yours in this party.",
        ));
    }
    let kind = round.kind();
    let expected = match kind {
        RoundType::Prompt => PartyPhase::Prompt,
        RoundType::Copy => PartyPhase::Copy,
        RoundType::Vote => PartyPhase::Vote,
    };
    // Whether the round is still open is decided by `submit` under the
    // round's lock, for every kind alike; the phase is checked after it, so
    // a round the phase's end expired answers `expired` like any other.
    let stored = submit(tx, rules, &round, phrase, now).await?;
    if s.phase() != expected {
        return Err(wrong_phase(expected, s));
    }
    if kind != RoundType::Prompt {
        tx.finish_assignment(round_id, true).await?;
    }
    let (counter, action) = match kind {
        RoundType::Prompt => (SubmissionKind::Prompt, ProgressAction::SubmittedPrompt),
        RoundType::Copy => (SubmissionKind::Copy, ProgressAction::SubmittedCopy),
        RoundType::Vote => (SubmissionKind::Vote, ProgressAction::SubmittedVote),
    };
    let correct = match &stored {
        Submission::Vote(vote) => Some(vote.correct),
        Submission::Phrase(_) => None,
    };
    tx.count_submission(s.session_id, player, counter, now)
        .await?;
    let everyone = tx.participants(s.session_id).await?;
    let (done, total) = phase_counts(s, &everyone);
    let mine = everyone
        .iter()
        .find(|p| p.player_id == me.player_id)
        .ok_or_else(|| Error::internal("participant vanished"))?;
    emit_activity(
        tx,
        s.session_id,
        ServerEvent::ProgressUpdate {
            player_id: player,
            username: mine.username.clone(),
            action,
            progress: PlayerCounters {
                prompts_submitted: i64::from(mine.prompts_submitted),
                copies_submitted: i64::from(mine.copies_submitted),
                votes_submitted: i64::from(mine.votes_submitted),
            },
            session_progress: PhaseProgress {
                players_done_with_phase: done,
                total_players: total,
            },
        },
        now,
    )
    .await?;
    let transition = phases::advance_if_done(tx, rules, s, &everyone, now).await?;
    Ok(Submitted {
        phrase: stored.phrase().to_owned(),
        kind,
        correct,
        transition,
        everyone,
    })
}

/// The caller's progress in the session's current phase, for round
/// responses: their counter and quota for that phase (none outside the
/// round phases) and how many players are done with it. The one place this
/// is computed: a submission reports the same numbers, with the count named
/// `players_ready` ([`SubmitSessionProgress`]'s `From`).
///
/// [`SubmitSessionProgress`]: party_protocol::party::SubmitSessionProgress
fn round_progress(
    s: &SessionRow,
    everyone: &[ParticipantRow],
    player: PlayerId,
) -> Result<RoundSessionProgress> {
    let (done, total) = phase_counts(s, everyone);
    let me = everyone
        .iter()
        .find(|p| p.player() == player)
        .ok_or_else(not_participant)?;
    let progress = progress_of(s, me);
    let mut own = OwnPhaseProgress {
        phase_complete: Some(progress.done_with(s.phase())),
        ..OwnPhaseProgress::default()
    };
    match s.phase() {
        PartyPhase::Prompt => {
            own.your_prompts_submitted = Some(progress.prompts);
            own.prompts_required = Some(progress.prompts_required);
        }
        PartyPhase::Copy => {
            own.your_copies_submitted = Some(progress.copies);
            own.copies_required = Some(progress.copies_required);
        }
        PartyPhase::Vote => {
            own.your_votes_submitted = Some(progress.votes);
            own.votes_required = Some(progress.votes_required);
        }
        PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed => {}
    }
    Ok(RoundSessionProgress {
        own,
        players_done: done,
        total_players: total,
    })
}

impl Game {
    /// Opens the transaction of a party round request: the session locked
    /// and the caller a participant still playing in it.
    async fn begin_party_round(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<(Tx, SessionRow, ParticipantRow)> {
        let mut tx = self.store.begin().await?;
        let s = locked(&mut tx, session).await?;
        let me = playing_member(&mut tx, &s, player).await?;
        Ok((tx, s, me))
    }

    /// Starts a party round with `start` (one of the `start_*_in`) and
    /// commits it, returning what `start` made and the caller's progress as
    /// the participants then stand (re-read: starting may have closed an
    /// overdue round; the session row is locked and its phase unchanged).
    async fn start_party_round<T>(
        &self,
        player: PlayerId,
        session: Uuid,
        start: impl AsyncFnOnce(&mut Tx, &GameRules, &SessionRow, &ParticipantRow, Millis) -> Result<T>,
    ) -> Result<(T, RoundSessionProgress)> {
        let now = self.now();
        let (mut tx, s, me) = self.begin_party_round(player, session).await?;
        // An abandoned party keeps the phase it was in, so the phase checks
        // alone would still open (and charge for) rounds in it. A submission
        // needs no such check: the party's end closed its rounds, and the
        // round answers for itself (`expired`, `round_not_active`).
        if ended(&s) {
            return Err(Error::api(ErrorCode::WrongPhase, "This party is over."));
        }
        let started = start(&mut tx, &self.rules, &s, &me, now).await?;
        tx.touch_session(session, now).await?;
        let everyone = tx.participants(session).await?;
        let progress = round_progress(&s, &everyone, player)?;
        tx.commit().await?;
        Ok((started, progress))
    }

    /// `POST /party/{id}/rounds/prompt`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn start_party_prompt(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyPromptRoundResponse> {
        let ((started, round), progress) = self
            .start_party_round(player, session, start_prompt_in)
            .await?;
        Ok(PartyPromptRoundResponse {
            round_id: started.round_id,
            party_round_id: started.party_round_id.into(),
            prompt_text: round.prompt_text.unwrap_or_default(),
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
            session_progress: progress,
        })
    }

    /// `POST /party/{id}/rounds/copy`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn start_party_copy(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyCopyRoundResponse> {
        let ((started, round, second), progress) = self
            .start_party_round(player, session, start_copy_in)
            .await?;
        Ok(PartyCopyRoundResponse {
            round_id: started.round_id,
            party_round_id: started.party_round_id.into(),
            original_phrase: round.original_phrase.unwrap_or_default(),
            prompt_round_id: round.prompt_round_id.unwrap_or_default(),
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
            discount_active: round.discount.unwrap_or(false),
            is_second_copy: second,
            from_party: true,
            session_progress: progress,
        })
    }

    /// `POST /party/{id}/rounds/vote`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn start_party_vote(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyVoteRoundResponse> {
        let ((started, round, from_party), progress) = self
            .start_party_round(player, session, start_vote_in)
            .await?;
        Ok(PartyVoteRoundResponse {
            round_id: started.round_id,
            party_round_id: started.party_round_id.into(),
            phraseset_id: round.phraseset_id.unwrap_or_default(),
            prompt_text: round.prompt_text.unwrap_or_default(),
            phrases: round.phrases.unwrap_or_default(),
            expires_at: round.expires_at.to_datetime(),
            cost: Coins::new(round.cost),
            from_party,
            session_progress: progress,
        })
    }

    /// `POST /party/{id}/rounds/{round_id}/submit`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session, round = %round_id))]
    pub async fn submit_party_round(
        &self,
        player: PlayerId,
        session: Uuid,
        round_id: RoundId,
        phrase: &str,
    ) -> Result<PartySubmitResponse> {
        let now = self.now();
        let (mut tx, s, me) = self.begin_party_round(player, session).await?;
        let submitted = submit_in(&mut tx, &self.rules, &s, &me, round_id, phrase, now).await?;
        // Progress in the phase of this round, judged by the session as it
        // was before any transition (`submit_in` refused a round of another
        // phase, so this phase is the round's own).
        let session_progress = round_progress(&s, &submitted.everyone, player)?.into();
        tx.commit().await?;
        Ok(PartySubmitResponse {
            success: true,
            phrase: submitted.phrase,
            round_type: submitted.kind,
            correct: submitted.correct,
            session_progress,
            phase_transition: submitted.transition,
        })
    }
}

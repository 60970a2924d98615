//! Phase changes: when everyone is done or the deadline passes, the old
//! phase is closed (open rounds expired with the normal refunds, missing
//! copies written by a stand-in bot so every party phraseset completes),
//! the new one is opened (copy and vote work assigned up front), and
//! RESULTS settles every party phraseset. All of it in the caller's
//! transaction, guarded by a compare-and-set on the phase.

use std::collections::HashMap;
use std::time::Instant;

use party_protocol::PlayerId;
use party_protocol::party::{PartyPhase, PhaseTransitionInfo, SessionStatus};
use party_protocol::party_ws::ServerEvent;
use party_protocol::round::RoundStatus;
use uuid::Uuid;

use super::bonuses::pay_bonuses;
use super::events::emit;
use super::history::record_standings;
use super::progress::phase_counts;
use super::standins::fill_missing_copies;
use super::votes::vote_work;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::Result;
use crate::party::assign::{COPIES_PER_PROMPT, assign_copies};
use crate::party::phase::{self, Transition, Trigger};
use crate::service::rounds::settlement::{end_party_rounds, settle_party};
use crate::store::{ParticipantRow, SessionRow, Tx};

/// Seconds `phase` lasts for this session.
pub(super) fn phase_length(rules: &GameRules, s: &SessionRow, to: PartyPhase) -> i64 {
    let prompts = i64::from(s.prompts_per_player);
    let copies = i64::from(s.copies_per_player);
    // Global content fills what party sets cannot, so everyone gets the full quota.
    let votes = i64::from(s.votes_per_player);
    phase::duration_secs(rules, to, s.phase_seconds, prompts, copies, votes)
}

/// Advances the party if every participant still playing has met the
/// current phase's quota. Returns the (last) transition made.
///
/// `everyone` are the participants as this transaction last wrote them:
/// most calls (a submission that does not end the phase) are answered from
/// them without another read; the transition itself re-reads under the lock.
pub(crate) async fn advance_if_done(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    everyone: &[ParticipantRow],
    now: Millis,
) -> Result<Option<PhaseTransitionInfo>> {
    let (done, total) = phase_counts(s, everyone);
    if done < total {
        return Ok(None);
    }
    advance(tx, rules, s.session_id, Trigger::QuotasMet, now).await
}

/// Advances the party past its deadline (no matter who is done).
pub(crate) async fn advance_at_deadline(
    tx: &mut Tx,
    rules: &GameRules,
    session: Uuid,
    now: Millis,
) -> Result<Option<PhaseTransitionInfo>> {
    advance(tx, rules, session, Trigger::Deadline, now).await
}

async fn advance(
    tx: &mut Tx,
    rules: &GameRules,
    session: Uuid,
    first: Trigger,
    now: Millis,
) -> Result<Option<PhaseTransitionInfo>> {
    let mut trigger = first;
    let mut last = None;
    // A new phase may have no work at all (three players have nothing to
    // vote on): then it ends at once. At most three steps to RESULTS.
    for _ in 0..4 {
        let started = Instant::now();
        let statements = tx.statements();
        let Some(s) = tx.session(session).await? else {
            return Ok(last);
        };
        if s.state() != SessionStatus::InProgress {
            return Ok(last);
        }
        let everyone = tx.participants(session).await?;
        if trigger == Trigger::QuotasMet {
            let (done, total) = phase_counts(&s, &everyone);
            if done < total {
                return Ok(last);
            }
        }
        // The deadline allows the same grace as a round, so a submission
        // made in the last second still counts.
        if trigger == Trigger::Deadline
            && s.phase_expires_at
                .is_none_or(|at| at + rules.grace_seconds * 1000 >= now.0)
        {
            return Ok(last);
        }
        let Ok(t) = phase::transition(s.phase(), trigger) else {
            return Ok(last);
        };
        close_phase(tx, rules, &s, now).await?;
        let expires = match t.to {
            PartyPhase::Results | PartyPhase::Completed | PartyPhase::Lobby => None,
            _ => Some(now.plus_secs(phase_length(rules, &s, t.to))),
        };
        if !tx.move_phase(session, t.from, t.to, now, expires).await? {
            return Ok(last);
        }
        open_phase(tx, rules, &s, &everyone, t, now).await?;
        let info = PhaseTransitionInfo {
            new_phase: t.to,
            message: t.message(trigger).to_owned(),
            phase_started_at: now.to_datetime(),
            phase_expires_at: expires.map(Millis::to_datetime),
        };
        emit(
            tx,
            session,
            ServerEvent::PhaseTransition {
                old_phase: t.from,
                new_phase: t.to,
                phase_started_at: now.to_datetime(),
                phase_expires_at: info.phase_expires_at,
                message: info.message.clone(),
            },
            now,
        )
        .await?;
        if t.to == PartyPhase::Results {
            emit(
                tx,
                session,
                ServerEvent::SessionCompleted {
                    status: SessionStatus::Completed,
                    completed_at: now.to_datetime(),
                    message: "Match complete! Check out the results.".into(),
                },
                now,
            )
            .await?;
        }
        record_phase_change(t.to, started, tx.statements() - statements);
        last = Some(info);
        trigger = Trigger::QuotasMet;
    }
    Ok(last)
}

/// Records what one phase change cost, by the phase it entered: its time
/// (under the party's row lock on PostgreSQL, so every other event of the
/// party waits it out) and how many statements it ran.
pub(super) fn record_phase_change(to: PartyPhase, started: Instant, statements: u32) {
    let to = to.as_str();
    metrics::histogram!("party_phase_change_seconds", "to" => to)
        .record(started.elapsed().as_secs_f64());
    metrics::histogram!("party_phase_change_statements", "to" => to).record(f64::from(statements));
}

/// Ends the current phase: expires the party's open rounds (normal refunds),
/// forfeits unstarted work, and at the end of COPY has stand-ins write
/// every copy still missing — each step a fixed number of statements.
async fn close_phase(tx: &mut Tx, rules: &GameRules, s: &SessionRow, now: Millis) -> Result<()> {
    end_party_rounds(tx, rules, s.session_id, RoundStatus::Expired, now).await?;
    tx.forfeit_assignments(s.session_id, None).await?;
    if s.phase() == PartyPhase::Copy {
        fill_missing_copies(tx, rules, s, now).await?;
    }
    Ok(())
}

/// Starts the new phase: hands out copy or vote work, or settles the party
/// (prize pools, then the bonuses, then the standings from the results).
/// `everyone` are the participants as read before the old phase closed
/// (closing it changes no participant).
async fn open_phase(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    everyone: &[ParticipantRow],
    t: Transition,
    now: Millis,
) -> Result<()> {
    let session = s.session_id;
    let playing: Vec<&ParticipantRow> = everyone.iter().filter(|p| !p.has_left()).collect();
    match t.to {
        PartyPhase::Copy => {
            let prompts = tx.party_prompts(session).await?;
            let pairs: Vec<(Uuid, Uuid)> =
                prompts.iter().map(|p| (p.round_id, p.player_id)).collect();
            let copiers: Vec<Uuid> = playing.iter().map(|p| p.player_id).collect();
            let assigned = assign_copies(&pairs, &copiers);
            debug_assert!(assigned.len() <= prompts.len() * COPIES_PER_PROMPT);
            hand_out(tx, session, "copy", &assigned).await?;
        }
        PartyPhase::Vote => {
            tx.open_party_phrasesets_for_voting(session).await?;
            let assigned = vote_work(tx, rules, s, &playing, now).await?;
            hand_out(tx, session, "vote", &assigned).await?;
        }
        PartyPhase::Results => {
            settle_party(tx, rules, session, now).await?;
            pay_bonuses(tx, session, now).await?;
            tx.set_participants_status(session, "COMPLETED", false)
                .await?;
            record_standings(tx, session, now).await?;
        }
        PartyPhase::Lobby | PartyPhase::Prompt | PartyPhase::Completed => {}
    }
    // Bots play the new phase after a short pause, like people would.
    let next_bot_turn = matches!(t.to, PartyPhase::Copy | PartyPhase::Vote)
        .then(|| now.plus_secs(rules.party_bot_delay_seconds));
    tx.schedule_bots(session, next_bot_turn).await?;
    Ok(())
}

/// Stores a phase's assignments, `(player, target)` in each player's order,
/// and sets every playing participant's quotas from them.
async fn hand_out(tx: &mut Tx, session: Uuid, kind: &str, assigned: &[(Uuid, Uuid)]) -> Result<()> {
    let mut next: HashMap<Uuid, i64> = HashMap::new();
    let rows: Vec<(PlayerId, Uuid, i64)> = assigned
        .iter()
        .map(|&(player, target)| {
            let position = next.entry(player).or_default();
            *position += 1;
            (PlayerId::from_uuid(player), target, *position - 1)
        })
        .collect();
    tx.insert_assignments(session, kind, &rows).await?;
    tx.set_required_from_assignments(session).await
}

/// Ends a party that saw no activity for too long: open rounds are closed
/// with a full refund, its phrasesets are settled, and everyone is freed.
pub(crate) async fn abandon(
    tx: &mut Tx,
    rules: &GameRules,
    session: Uuid,
    now: Millis,
) -> Result<bool> {
    if !tx.abandon_session(session, now).await? {
        return Ok(false);
    }
    end_party_rounds(tx, rules, session, RoundStatus::Cancelled, now).await?;
    tx.forfeit_assignments(session, None).await?;
    settle_party(tx, rules, session, now).await?;
    pay_bonuses(tx, session, now).await?;
    tx.set_participants_status(session, "COMPLETED", false)
        .await?;
    record_standings(tx, session, now).await?;
    tx.schedule_bots(session, None).await?;
    emit(
        tx,
        session,
        ServerEvent::SessionCompleted {
            status: SessionStatus::Abandoned,
            completed_at: now.to_datetime(),
            message: "The party was idle too long and has ended. Open rounds were refunded.".into(),
        },
        now,
    )
    .await?;
    Ok(true)
}

//! What the server does for parties on its own: bots play their tasks a few
//! seconds into each phase, deadlines advance stalled parties, idle parties
//! are abandoned with refunds, and lobbies that never started are removed.
//! One step ([`Game::advance_parties`]) is called by the sweeper.

use party_protocol::party::PartyPhase;
use party_protocol::{Phrase, PhrasesetId};
use serde::Serialize;
use uuid::Uuid;

use super::phases::{abandon, advance_at_deadline, advance_if_done};
use super::play::{start_copy_in, start_prompt_in, start_vote_in, submit_in};
use super::progress::progress_of;
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::party::bots;
use crate::service::Game;
use crate::store::{ParticipantRow, SessionRow, Tx};

const BATCH: i64 = 100;

/// What one party sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PartySweep {
    pub deadlines: u64,
    pub bot_turns: u64,
    pub abandoned: u64,
    pub removed_lobbies: u64,
}

impl PartySweep {
    pub fn is_empty(&self) -> bool {
        *self == PartySweep::default()
    }
}

impl Game {
    /// Everything due for parties at the current time, each party in its own transaction.
    #[tracing::instrument(skip_all)]
    pub async fn advance_parties(&self) -> Result<PartySweep> {
        let rules = &self.rules;
        let now = self.now();
        let mut report = PartySweep::default();

        let due = self
            .store
            .read()
            .await?
            .sessions_past_deadline(now.minus_secs(rules.grace_seconds), BATCH)
            .await?;
        for session in due {
            let mut tx = self.store.begin().await?;
            if tx.session_for_update(session).await?.is_some()
                && advance_at_deadline(&mut tx, rules, session, now)
                    .await?
                    .is_some()
            {
                report.deadlines += 1;
            }
            tx.commit().await?;
        }

        let with_bots = self
            .store
            .read()
            .await?
            .sessions_with_due_bots(now, BATCH)
            .await?;
        for session in with_bots {
            let mut tx = self.store.begin().await?;
            report.bot_turns += play_bots(&mut tx, rules, session, now).await?;
            tx.commit().await?;
        }

        let idle_before = now.minus_secs(rules.party_idle_timeout_seconds);
        let idle = self
            .store
            .read()
            .await?
            .idle_sessions(idle_before, BATCH)
            .await?;
        for session in idle {
            let mut tx = self.store.begin().await?;
            // Re-checked under the lock: activity may have arrived meanwhile.
            let still_idle = tx
                .session_for_update(session)
                .await?
                .is_some_and(|s| s.last_activity_at < idle_before.0);
            if still_idle && abandon(&mut tx, rules, session, now).await? {
                report.abandoned += 1;
            }
            tx.commit().await?;
        }

        let stale_before = now.minus_secs(rules.party_open_max_age_seconds);
        let stale = self
            .store
            .read()
            .await?
            .stale_open_sessions(stale_before, BATCH)
            .await?;
        for session in stale {
            let mut tx = self.store.begin().await?;
            if tx.delete_open_session(session).await? {
                report.removed_lobbies += 1;
            }
            tx.commit().await?;
        }
        Ok(report)
    }
}

/// Lets every due bot of a session play all its tasks of the current phase.
/// Returns the number of rounds the bots submitted.
async fn play_bots(tx: &mut Tx, rules: &GameRules, session: Uuid, now: Millis) -> Result<u64> {
    let Some(s) = tx.session_for_update(session).await? else {
        return Ok(0);
    };
    let due: Vec<ParticipantRow> = tx
        .participants(session)
        .await?
        .into_iter()
        .filter(|p| p.is_bot && p.active && p.bot_next_action_at.is_some_and(|at| at <= now.0))
        .collect();
    // Taken off the schedule before playing: a phase change caused by the
    // bots' own submissions schedules their next turn, which must stand.
    tx.schedule_bots(session, None).await?;
    let mut turns = 0;
    for bot in &due {
        // Each task re-reads the session: a bot's last submission may move the phase on.
        for _ in 0..8 {
            let Some(current) = tx.session(session).await? else {
                break;
            };
            if current.phase() != s.phase() {
                break;
            }
            let Some(me) = tx.participant(session, bot.player()).await? else {
                break;
            };
            match bot_task(tx, rules, &current, &me, now).await {
                Ok(true) => turns += 1,
                Ok(false) => break,
                Err(Error::Api { code, message, .. }) => {
                    // A bot that cannot play (say, out of coins) forfeits like a person would.
                    tracing::info!(%code, %message, bot = %me.username, "bot skips a task");
                    break;
                }
                Err(other) => return Err(other),
            }
        }
    }
    if let Some(fresh) = tx.session(session).await? {
        let everyone = tx.participants(session).await?;
        advance_if_done(tx, rules, &fresh, &everyone, now).await?;
    }
    Ok(turns)
}

/// Plays one task of the current phase; false when the bot has nothing left to do.
async fn bot_task(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    me: &ParticipantRow,
    now: Millis,
) -> Result<bool> {
    let progress = progress_of(s, me);
    if progress.done_with(s.phase()) {
        return Ok(false);
    }
    // The thread-local RNG is not Send: each use takes it afresh, never across an await.
    let (round_id, phrase) = match s.phase() {
        PartyPhase::Prompt => {
            let (started, round) = start_prompt_in(tx, rules, s, me, now).await?;
            let text = round.prompt_text.unwrap_or_default();
            let phrase = bots::write_original(&mut rand::rng(), &text).ok_or_else(no_phrase)?;
            (started.round_id, phrase.as_str().to_owned())
        }
        PartyPhase::Copy => {
            let (started, round, _) = start_copy_in(tx, rules, s, me, now).await?;
            let original = Phrase::parse(round.original_phrase.as_deref().unwrap_or_default())
                .map_err(|e| Error::internal(format!("stored original does not parse: {e}")))?;
            let prompt = tx
                .round(round.prompt_round_id.unwrap_or_default())
                .await?
                .ok_or_else(|| Error::internal("prompt vanished"))?;
            let other = match tx.submitted_copies(prompt.id()).await?.first() {
                Some(r) => Phrase::parse(r.submitted_phrase.as_deref().unwrap_or_default()).ok(),
                None => None,
            };
            let text = prompt.prompt_text.unwrap_or_default();
            let phrase = bots::write_copy(&mut rand::rng(), &original, other.as_ref(), &text)
                .ok_or_else(no_phrase)?;
            (started.round_id, phrase.as_str().to_owned())
        }
        PartyPhase::Vote => {
            let (started, round, _) = start_vote_in(tx, rules, s, me, now).await?;
            let set = tx
                .phraseset(
                    round
                        .phraseset_id
                        .unwrap_or_else(|| PhrasesetId::from_uuid(Uuid::nil())),
                )
                .await?
                .ok_or_else(|| Error::internal("phraseset vanished"))?;
            let shown = round.phrases.unwrap_or_default();
            let choice =
                bots::choose_vote(&mut rand::rng(), &shown, &set.original_phrase).to_owned();
            (started.round_id, choice)
        }
        PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed => return Ok(false),
    };
    submit_in(tx, rules, s, me, round_id, &phrase, now).await?;
    Ok(true)
}

fn no_phrase() -> Error {
    Error::api(
        party_protocol::ErrorCode::InvalidPhrase,
        "The bot found no valid phrase.",
    )
}

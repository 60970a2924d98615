//! The background sweeper: expires rounds whose time ran out and finalizes
//! phrasesets whose time-based finalization is due, on its own, without
//! anyone polling.
//!
//! [`Game::advance_due`] is one step (tests call it directly through the
//! manual clock); [`run`] repeats it until shutdown, waking on its interval
//! or when told to.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::rounds::{expire_round, finalize_phraseset};
use super::{Game, PartySweep};
use crate::error::Result;

/// How much work one step may do before yielding (keeps transactions short
/// and lets requests interleave).
const BATCH: i64 = 200;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub rounds_expired: u64,
    pub phrasesets_finalized: u64,
    pub quick_matches_formed: u64,
    pub parties: PartySweep,
}

impl Game {
    /// Applies everything due at the current time: party deadlines, bot
    /// turns and timeouts, then round expiry, phraseset finalization and
    /// quick-match bot fills.
    /// Each party, round and phraseset is settled in its own transaction.
    #[tracing::instrument(skip_all)]
    pub async fn advance_due(&self) -> Result<SweepReport> {
        let rules = &self.rules;
        let now = self.now();
        // Parties first: a deadline closes the party's open rounds with the
        // party's own rules before the generic expiry below would.
        let mut report = SweepReport {
            parties: self.advance_parties().await?,
            ..SweepReport::default()
        };
        let overdue = {
            let mut tx = self.store.read().await?;
            tx.overdue_rounds(now.minus_secs(rules.grace_seconds), BATCH)
                .await?
        };
        for round in overdue {
            let mut tx = self.store.begin().await?;
            if expire_round(&mut tx, rules, round, now).await? {
                report.rounds_expired += 1;
            }
            tx.commit().await?;
        }
        let due = {
            let mut tx = self.store.read().await?;
            tx.phrasesets_due(
                now.minus_secs(rules.finalize_after_fifth_vote_seconds),
                now.minus_secs(rules.finalize_after_third_vote_seconds),
                BATCH,
            )
            .await?
        };
        for set in due {
            let mut tx = self.store.begin().await?;
            if finalize_phraseset(&mut tx, rules, set, now).await? {
                report.phrasesets_finalized += 1;
            }
            tx.commit().await?;
        }
        // Quick-match bot fills that came due (and full parties a failed
        // formation left queued); the backlog read is one indexed query.
        if self.quick_match_due().await? {
            report.quick_matches_formed = self.form_quick_matches().await?;
        }
        if report.rounds_expired + report.phrasesets_finalized + report.quick_matches_formed > 0
            || !report.parties.is_empty()
        {
            tracing::info!(?report, "sweep");
        }
        Ok(report)
    }
}

/// The shortest time between two sweeps started by a wake-up (the interval
/// still applies when nothing wakes it). Requests wake the sweeper after
/// every party change so that bots answer promptly; under load that is
/// hundreds of wake-ups a second, and each sweep runs its scans (on
/// SQLite, on the writer's thread). At 300 busy parties the sweeps were
/// 13 % of all statement time, and the count grew with the write rate and
/// the scans' cost with the party count. Coalescing the wake-ups to one
/// sweep per gap delays a bot's turn by at most this much.
const MIN_WAKE_GAP: Duration = Duration::from_millis(25);

/// Runs the sweeper until `shutdown` fires.
pub async fn run(game: Game, wake: Arc<Notify>, shutdown: CancellationToken) {
    let interval = Duration::from_millis(game.rules.sweep_interval_ms.max(10));
    loop {
        let started = tokio::time::Instant::now();
        let report = {
            let _turn = game.sweep_turn.lock().await;
            game.advance_due().await
        };
        match report {
            // A full batch means more may be waiting: go again at once.
            Ok(r) if r.rounds_expired as i64 >= BATCH || r.phrasesets_finalized as i64 >= BATCH => {
                continue;
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "sweep failed; retrying"),
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = wake.notified() => {
                // Wake-ups arriving meanwhile fold into the one permit.
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = tokio::time::sleep_until(started + MIN_WAKE_GAP) => {}
                }
            }
            () = tokio::time::sleep(interval) => {}
        }
    }
}

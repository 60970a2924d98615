//! The bot swarm: K parties of N players, each player a guest with its own
//! party socket, acting on a fixed schedule.
//!
//! Open loop: player `j` of a party started at `t0` owns the slots
//! `t0 + offset + (j/N) × interval + i × interval`. At each slot it does its
//! next action if it can (else it waits for the next slot). Latency is
//! counted from the slot, not from when the request could be sent: a slow
//! answer that delays the player's next action shows up in that action's
//! latency too (no coordinated omission).
//!
//! Two modes. [`Mode::Once`]: every party starts within the first interval
//! and plays once (the smoke test). [`Mode::Continuous`]: K party slots,
//! each playing parties back to back, their starts spread over one party's
//! length, so K parties are always in progress at different stages (as on
//! a real server: the phase ends of different parties do not all fall in
//! the same second). Only the window after that warm-up is measured, and
//! parties still running when it closes are cut (not counted as errors).
//!
//! Each party may also have spectators ([`spectator`]): guests signed up
//! before the step, who watch their slot's parties one after the other
//! over the read-only spectator socket; the host starts a party only once
//! its spectators watch.
//!
//! [`bot`] plays one player's script; [`socket`] follows its party socket;
//! [`context`] holds what they share.

mod bot;
mod context;
mod socket;
mod spectator;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::client::Http;
use crate::stats::Audience;
use bot::player;
use context::{Ctx, End, Party};
pub use context::{Gauge, Mode, SpectatorSignals, StepConfig, StepOutcome};

/// The golden-ratio sequence: spreads starts evenly over an interval.
fn spread(i: u64) -> f64 {
    (i as f64 * 0.618_033_988_749_895).fract()
}

/// Spectators entering at once (their request, then their socket up to
/// its snapshot).
const SPECTATOR_ENTRY: usize = 128;

/// Runs one step: every party from guest sign-up to results.
pub async fn run_step(
    http: &Http,
    cfg: &StepConfig,
    sockets: Arc<Gauge>,
    signals: SpectatorSignals,
    seed: u64,
) -> StepOutcome {
    let mut watchers = spectator::sign_up(http, cfg.parties * cfg.spectators).await;
    signals.signed_up.send_replace(true);
    let t0 = Instant::now() + Duration::from_millis(100);
    let (stop_at, window) = match cfg.mode {
        Mode::Once => (cfg.deadline, None),
        Mode::Continuous { warmup, window } => {
            let end = (t0 + warmup + window).min(cfg.deadline);
            (end, Some((t0 + warmup, end)))
        }
    };
    if let Some((from, to)) = window {
        http.recorder().set_window(from, to);
    }
    let ctx = Arc::new(Ctx {
        http: http.clone(),
        cfg: cfg.clone(),
        stop_at,
        sockets: sockets.clone(),
        spectator_sockets: Arc::new(Gauge::default()),
        signals,
        spectator_entry: Semaphore::new(SPECTATOR_ENTRY),
    });
    let mut slots = JoinSet::new();
    for k in 0..cfg.parties {
        let ctx = ctx.clone();
        // This slot's spectators watch each of its parties in turn.
        let slot_watchers: Vec<_> = watchers
            .drain(..cfg.spectators.min(watchers.len()))
            .collect();
        let first = match cfg.mode {
            Mode::Once => t0 + cfg.interval.mul_f64(spread(k as u64 + seed)),
            Mode::Continuous { warmup, .. } => t0 + warmup.mul_f64(spread(k as u64 + seed)),
        };
        slots.spawn(async move {
            let mut ends = Vec::new();
            let mut watched = Vec::new();
            let mut start = first;
            // Back to back while the window is open (once in `Once` mode).
            for round in 0..1000u64 {
                let party = Arc::new(Party::new(start, slot_watchers.len()));
                let mut spectators = JoinSet::new();
                for api in &slot_watchers {
                    spectators.spawn(spectator::spectator(
                        ctx.clone(),
                        party.clone(),
                        api.clone(),
                    ));
                }
                let mut players = JoinSet::new();
                for j in 0..ctx.cfg.players {
                    players.spawn(player(ctx.clone(), party.clone(), j));
                }
                let mut end = End::Completed;
                while let Some(done) = players.join_next().await {
                    // Failed beats cut beats completed.
                    match done.unwrap_or(End::Failed) {
                        End::Failed => end = End::Failed,
                        End::Cut if end == End::Completed => end = End::Cut,
                        End::Cut | End::Completed => {}
                    }
                }
                party.ended.send_replace(Some(end));
                while let Some(done) = spectators.join_next().await {
                    watched.push(done.unwrap_or(End::Failed));
                }
                let rec = ctx.http.recorder();
                party.fanout.flush_into(rec, Audience::Players);
                party.spectator_fanout.flush_into(rec, Audience::Spectators);
                let now = Instant::now();
                ends.push((end, now));
                if ctx.cfg.mode == Mode::Once || now >= ctx.stop_at || end != End::Completed {
                    break;
                }
                // The next party of this slot starts within the next interval.
                start = now + ctx.cfg.interval.mul_f64(spread(round + k as u64));
            }
            (ends, watched)
        });
    }
    let mut outcome = StepOutcome::default();
    while let Some(done) = slots.join_next().await {
        let (ends, watched) = done.unwrap_or_default();
        for end in watched {
            match end {
                End::Completed => outcome.spectators_completed += 1,
                End::Cut => outcome.spectators_cut += 1,
                End::Failed => outcome.spectators_failed += 1,
            }
        }
        for (end, at) in ends {
            match end {
                End::Completed => {
                    outcome.parties_completed += 1;
                    if window.is_none_or(|(from, to)| at >= from && at <= to) {
                        outcome.completed_in_window += 1;
                    }
                }
                End::Cut => outcome.parties_cut += 1,
                End::Failed => {}
            }
        }
    }
    outcome.duration = Instant::now().saturating_duration_since(t0);
    outcome.connected_peak = sockets.peak();
    outcome.spectator_sockets_peak = ctx.spectator_sockets.peak();
    outcome
}

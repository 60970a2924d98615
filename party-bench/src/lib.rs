//! `party-bench`: the load benchmark (a swarm of bots playing K parties of
//! N players on a fixed schedule) and the storage ceiling benchmark.
//!
//! - [`swarm`] runs one step of load: guests, parties, sockets, rounds.
//! - [`stats`] records latencies (HDR histograms), fan-out, errors, lost events.
//! - [`probe`] reads the server's memory, [`cpu`] the CPU time of the
//!   server, the bench and the machine.
//! - [`storage`] measures the database's raw write transactions per second.
//! - [`config`] holds what a run is asked to do (profile, loads, schedule).
//! - [`report`] holds what a run reports: the JSON document and the tables.
//! - [`ssh`] is the `ssh` profile: SSH sessions on a `party-tui host`,
//!   memory per session and CPU idle and active.
//!
//! Profiles: `smoke` (seconds; any error or lost event fails it — never
//! timing), `standard` (50 parties of 8 at one action per player every
//! 5 s), `capacity` (ramps the number of parties until p99 request latency
//! or p99 fan-out passes the target, and reports the largest load held).
//! Smoke plays each party once; standard and capacity keep K parties in
//! progress at staggered stages and measure a window after a warm-up (see
//! [`swarm`]).

pub mod client;
pub mod config;
pub mod cpu;
pub mod probe;
pub mod queries;
pub mod report;
pub mod ssh;
pub mod stats;
pub mod storage;
mod swarm;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

use client::Http;
pub use config::{LoadConfig, Profile};
use probe::{Peak, Probe};
pub use report::{
    Capacity, LoadReport, MemoryReport, SpectatorReport, StepReport, step_table, summary,
};
use report::{round2, verdict};
use stats::Recorder;
pub use swarm::Gauge;

/// Runs one step and measures the server around it.
pub async fn run_step(
    cfg: &LoadConfig,
    parties: usize,
    deadline: Instant,
    seed: u64,
) -> StepReport {
    let recorder = Arc::new(Recorder::new());
    let http = Http::new(&cfg.server, &cfg.trust, recorder.clone());
    let probe = Probe::new(&cfg.server, &cfg.trust, cfg.server_pid);
    let before = probe.read().await;
    let cpu_before = cpu::CpuSample::now(cfg.server_pid);
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(Peak::default());
    let watcher = {
        let (probe, stop, peak) = (probe.clone(), stop.clone(), peak.clone());
        tokio::spawn(async move { probe.watch_peak(stop, peak).await })
    };
    let step_config = swarm::StepConfig {
        parties,
        players: cfg.players,
        spectators: cfg.spectators,
        interval: cfg.interval,
        create: cfg.create_request(),
        deadline,
        mode: cfg.mode(),
    };
    // Once every spectator of a single wave watches, the server's memory
    // is read: what the spectators cost (see `SpectatorReport`).
    let signals = swarm::SpectatorSignals::default();
    let spectating = spectator_memory(&probe, &signals, &step_config);
    let playing = swarm::run_step(
        &http,
        &step_config,
        Arc::new(Gauge::default()),
        signals.clone(),
        seed,
    );
    let (outcome, spectating) = tokio::join!(playing, spectating);
    // Over the whole step, warm-up included: CPU has no window of its own.
    let cpu = cpu::CpuReport::between(&cpu_before, &cpu::CpuSample::now(cfg.server_pid));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watcher.await;
    let after = probe.read().await;
    let mut peak = peak.memory();
    // The reading before and after count for the peak too.
    for m in [before, after] {
        peak.vm_rss_kib = peak.vm_rss_kib.max(m.vm_rss_kib);
        peak.metrics_rss_kib = peak.metrics_rss_kib.max(m.metrics_rss_kib);
    }
    // Spectators' sockets count too: they are part of the peak.
    let sockets = outcome.connected_peak + outcome.spectator_sockets_peak;
    let per_player = match (peak.kib(), before.kib()) {
        (Some(p), Some(b)) if sockets > 0 => {
            Some(round2(p.saturating_sub(b) as f64 / sockets as f64))
        }
        _ => None,
    };
    let measured = recorder.snapshot();
    let (mode, secs) = match step_config.mode {
        swarm::Mode::Once => ("once", outcome.duration.as_secs_f64().max(1e-3)),
        swarm::Mode::Continuous { window, .. } => ("continuous", window.as_secs_f64()),
    };
    let mut report = StepReport {
        mode: mode.into(),
        parties,
        players_per_party: cfg.players,
        players: parties * cfg.players,
        interval_s: cfg.interval.as_secs_f64(),
        parties_completed: outcome.parties_completed,
        parties_cut: outcome.parties_cut,
        duration_s: round2(outcome.duration.as_secs_f64()),
        measured_s: round2(secs),
        parties_per_second: round2(outcome.completed_in_window as f64 / secs),
        requests_per_second: round2(measured.requests as f64 / secs),
        write_requests_per_second: round2(measured.write_requests as f64 / secs),
        connected_peak: outcome.connected_peak,
        memory: MemoryReport {
            before,
            peak,
            after,
            per_connected_player_kib: per_player,
        },
        cpu,
        measured,
        spectators: None,
        held: false,
        broken_by: Vec::new(),
    };
    report.spectators = (cfg.spectators > 0)
        .then(|| SpectatorReport::new(cfg.spectators, parties, &outcome, spectating));
    report.broken_by = verdict(&report, cfg.target_p99_ms, cfg.spectator_target_p99_ms);
    report.held = report.broken_by.is_empty();
    report
}

/// In `Once` mode with spectators: the server's memory once every
/// spectator guest is signed up, and once all of them watch (None
/// otherwise, or if they never all settle before the deadline).
async fn spectator_memory(
    probe: &Probe,
    signals: &swarm::SpectatorSignals,
    step: &swarm::StepConfig,
) -> Option<(probe::Memory, probe::Memory)> {
    let all = step.parties * step.spectators;
    if all == 0 || step.mode != swarm::Mode::Once {
        return None;
    }
    let (mut signed_up, mut settled) = (signals.signed_up.subscribe(), signals.settled.subscribe());
    tokio::time::timeout_at(step.deadline, signed_up.wait_for(|done| *done))
        .await
        .ok()?
        .ok()?;
    let before = probe.read().await;
    tokio::time::timeout_at(step.deadline, settled.wait_for(|n| *n >= all))
        .await
        .ok()?
        .ok()?;
    Some((before, probe.read().await))
}

/// Runs a profile. `progress` gets each step's table as it finishes.
pub async fn run(cfg: &LoadConfig, mut progress: impl FnMut(&StepReport)) -> LoadReport {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(cfg.max_seconds);
    let started_at = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut steps = Vec::new();
    let mut capacity = None;
    match cfg.profile {
        // Not a load of parties: `ssh::run` measures it.
        Profile::Ssh => {}
        Profile::Smoke | Profile::Standard | Profile::Spectators => {
            let step = run_step(cfg, cfg.parties, deadline, 0).await;
            progress(&step);
            steps.push(step);
        }
        Profile::Capacity => {
            let mut held: Option<usize> = None;
            let mut broken: Option<usize> = None;
            let mut stopped_by = "the ramp ended".to_owned();
            let mut seed = 0;
            let fits = |steps_done: &Vec<StepReport>| {
                Instant::now() + cfg.step_estimate() + cfg.settle < deadline
                    || steps_done.is_empty()
            };
            for &k in cfg.ramp.iter().take(32) {
                if !fits(&steps) {
                    stopped_by = "--max-seconds".into();
                    break;
                }
                let step = run_step(cfg, k, deadline, seed).await;
                seed += 1;
                progress(&step);
                let ok = step.held;
                steps.push(step);
                if ok {
                    held = Some(k);
                    tokio::time::sleep(cfg.settle).await;
                } else {
                    broken = Some(k);
                    stopped_by = "the latency target or errors".into();
                    break;
                }
            }
            for _ in 0..cfg.refine.min(8) {
                let (Some(h), Some(b)) = (held, broken) else {
                    break;
                };
                let mid = h + (b - h) / 2;
                if mid <= h || mid >= b {
                    break;
                }
                if !fits(&steps) {
                    stopped_by = "--max-seconds".into();
                    break;
                }
                tokio::time::sleep(cfg.settle).await;
                let step = run_step(cfg, mid, deadline, seed).await;
                seed += 1;
                progress(&step);
                if step.held {
                    held = Some(mid);
                } else {
                    broken = Some(mid);
                }
                steps.push(step);
            }
            capacity = Some(Capacity {
                target_p99_ms: cfg.target_p99_ms,
                largest_held_parties: held,
                largest_held_players: held.map(|h| h * cfg.players),
                first_broken_parties: broken,
                stopped_by,
            });
        }
    }
    let passed = match cfg.profile {
        Profile::Capacity => true,
        _ => steps.iter().all(StepReport::clean),
    };
    LoadReport {
        benchmark: "party-load".into(),
        profile: cfg.profile,
        server: cfg.server.clone(),
        started_at,
        players_per_party: cfg.players,
        interval_s: cfg.interval.as_secs_f64(),
        target_p99_ms: cfg.target_p99_ms,
        steps,
        capacity,
        passed,
    }
}

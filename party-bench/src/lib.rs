//! `party-bench`: the load benchmark (a swarm of bots playing K parties of
//! N players on a fixed schedule) and the storage ceiling benchmark.
//!
//! - [`swarm`] runs one step of load: guests, parties, sockets, rounds.
//! - [`stats`] records latencies (HDR histograms), fan-out, errors, lost events.
//! - [`probe`] reads the server's memory.
//! - [`storage`] measures the database's raw write transactions per second.
//! - [`report`] holds what a run reports: the JSON document and the tables.
//!
//! Profiles: `smoke` (seconds; any error or lost event fails it — never
//! timing), `standard` (50 parties of 8 at one action per player every
//! 5 s), `capacity` (ramps the number of parties until p99 request latency
//! or p99 fan-out passes the target, and reports the largest load held).
//! Smoke plays each party once; standard and capacity keep K parties in
//! progress at staggered stages and measure a window after a warm-up (see
//! [`swarm`]).

pub mod client;
pub mod probe;
pub mod report;
pub mod stats;
pub mod storage;
mod swarm;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use party_protocol::party::CreatePartyRequest;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::time::Instant;

use client::Http;
use probe::{Peak, Probe};
pub use report::{Capacity, LoadReport, MemoryReport, StepReport, step_table, summary};
use report::{round2, verdict};
use stats::Recorder;
pub use swarm::Gauge;

/// Which benchmark to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// A few seconds: 2 parties of 4, an action every 0.2 s. Fails on any
    /// error or lost event, never on timing.
    Smoke,
    /// 50 parties of 8, an action per player every 5 s.
    Standard,
    /// Ramps the number of parties until the latency target breaks.
    Capacity,
}

/// Everything a load run needs.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// `http://127.0.0.1:PORT`.
    pub server: String,
    pub profile: Profile,
    /// Parties per step (smoke and standard); capacity uses `ramp`.
    pub parties: usize,
    pub players: usize,
    /// One action per player per interval.
    pub interval: Duration,
    pub prompts_per_player: i64,
    pub votes_per_player: i64,
    /// Capacity: the numbers of parties to try, in order.
    pub ramp: Vec<usize>,
    /// Capacity: bisection steps between the last load held and the first broken.
    pub refine: usize,
    /// Capacity: the p99 (request and fan-out) a step must stay under.
    pub target_p99_ms: f64,
    /// The whole run stops by then.
    pub max_seconds: u64,
    pub server_pid: Option<u32>,
    /// Pause between capacity steps so the server settles.
    pub settle: Duration,
    /// Keep K parties in progress (back to back, staggered) and measure a
    /// window; false: every party starts at once and plays once.
    pub continuous: bool,
    /// Continuous: the measured window (after the warm-up).
    pub window: Duration,
    /// Continuous: party starts are spread over this; default one party's length.
    pub warmup: Option<Duration>,
}

impl LoadConfig {
    /// The defaults of a profile.
    pub fn for_profile(profile: Profile, server: &str) -> Self {
        let base = LoadConfig {
            server: server.trim_end_matches('/').to_owned(),
            profile,
            parties: 50,
            players: 8,
            interval: Duration::from_secs(5),
            prompts_per_player: 1,
            votes_per_player: 3,
            ramp: vec![50, 100, 200, 400, 800, 1200, 1600, 2400],
            refine: 2,
            target_p99_ms: 50.0,
            max_seconds: 600,
            server_pid: None,
            settle: Duration::from_secs(3),
            continuous: true,
            window: Duration::from_secs(60),
            warmup: None,
        };
        match profile {
            Profile::Smoke => LoadConfig {
                parties: 2,
                players: 4,
                interval: Duration::from_millis(200),
                max_seconds: 120,
                continuous: false,
                ..base
            },
            Profile::Standard => base,
            Profile::Capacity => LoadConfig {
                max_seconds: 1800,
                ..base
            },
        }
    }

    fn create_request(&self) -> CreatePartyRequest {
        let n = self.players as i64;
        CreatePartyRequest {
            min_players: Some(n),
            max_players: Some(n),
            prompts_per_player: Some(self.prompts_per_player),
            copies_per_player: Some(2 * self.prompts_per_player),
            votes_per_player: Some(self.votes_per_player),
            phase_seconds: None,
        }
    }

    /// About how long one party takes: sign-up, join, ready, start, every
    /// round (two actions each), the results.
    pub fn party_length(&self) -> Duration {
        let rounds = 3 * self.prompts_per_player + self.votes_per_player;
        self.interval * (5 + 2 * rounds as u32)
    }

    fn mode(&self) -> swarm::Mode {
        if self.continuous {
            swarm::Mode::Continuous {
                warmup: self.warmup.unwrap_or_else(|| self.party_length()),
                window: self.window,
            }
        } else {
            swarm::Mode::Once
        }
    }

    /// About how long one step takes.
    pub fn step_estimate(&self) -> Duration {
        let tail = self.interval * 4 + Duration::from_secs(5);
        match self.mode() {
            swarm::Mode::Once => self.party_length() + self.interval * 4 + tail,
            swarm::Mode::Continuous { warmup, window } => warmup + window + tail,
        }
    }
}

/// Runs one step and measures the server around it.
pub async fn run_step(
    cfg: &LoadConfig,
    parties: usize,
    deadline: Instant,
    seed: u64,
) -> StepReport {
    let recorder = Arc::new(Recorder::new());
    let http = Http::new(&cfg.server, recorder.clone());
    let probe = Probe::new(&cfg.server, cfg.server_pid);
    let before = probe.read().await;
    let stop = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(Peak::default());
    let watcher = {
        let (probe, stop, peak) = (probe.clone(), stop.clone(), peak.clone());
        tokio::spawn(async move { probe.watch_peak(stop, peak).await })
    };
    let step_config = swarm::StepConfig {
        parties,
        players: cfg.players,
        interval: cfg.interval,
        create: cfg.create_request(),
        deadline,
        mode: cfg.mode(),
    };
    let outcome = swarm::run_step(&http, &step_config, Arc::new(Gauge::default()), seed).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watcher.await;
    let after = probe.read().await;
    let mut peak = peak.memory();
    // The reading before and after count for the peak too.
    for m in [before, after] {
        peak.vm_rss_kib = peak.vm_rss_kib.max(m.vm_rss_kib);
        peak.metrics_rss_kib = peak.metrics_rss_kib.max(m.metrics_rss_kib);
    }
    let per_player = match (peak.kib(), before.kib()) {
        (Some(p), Some(b)) if outcome.connected_peak > 0 => Some(round2(
            p.saturating_sub(b) as f64 / outcome.connected_peak as f64,
        )),
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
        measured,
        held: false,
        broken_by: Vec::new(),
    };
    report.broken_by = verdict(&report, cfg.target_p99_ms);
    report.held = report.broken_by.is_empty();
    report
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
        Profile::Smoke | Profile::Standard => {
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

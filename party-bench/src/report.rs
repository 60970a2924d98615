//! What a load run reports: each step's numbers and verdict, the capacity
//! profile's answer, the JSON document, and the tables a human reads.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::config::Profile;
use crate::cpu::CpuReport;
use crate::probe::Memory;
use crate::stats::{self, Measured};
use crate::swarm::StepOutcome;

/// Memory around one step, in KiB.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemoryReport {
    pub before: Memory,
    pub peak: Memory,
    pub after: Memory,
    /// (peak − before) / the most sockets open at once (players' and
    /// spectators').
    pub per_connected_player_kib: Option<f64>,
}

/// The spectators of one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpectatorReport {
    pub per_party: usize,
    pub total: usize,
    /// Spectators that watched their party to its end without a gap.
    pub completed: usize,
    /// Spectators that could not watch, missed an event or the end.
    pub failed: usize,
    /// Continuous: spectators of parties cut by the window's end.
    pub cut: usize,
    pub sockets_peak: i64,
    /// Server memory once every spectator guest was signed up, and once
    /// all of them watched (one party played once only).
    pub memory_signed_up: Option<Memory>,
    pub memory_watching: Option<Memory>,
    /// (watching − signed up) / spectators watching: what a spectator's
    /// socket and its seat in the party cost the server.
    pub per_spectator_kib: Option<f64>,
}

impl SpectatorReport {
    pub(crate) fn new(
        per_party: usize,
        parties: usize,
        outcome: &StepOutcome,
        memory: Option<(Memory, Memory)>,
    ) -> Self {
        let (signed_up, watching) = memory.unzip();
        let per_spectator = match (
            watching.and_then(|m| m.kib()),
            signed_up.and_then(|m| m.kib()),
        ) {
            (Some(w), Some(b)) if outcome.spectator_sockets_peak > 0 => Some(round2(
                w.saturating_sub(b) as f64 / outcome.spectator_sockets_peak as f64,
            )),
            _ => None,
        };
        SpectatorReport {
            per_party,
            total: per_party * parties,
            completed: outcome.spectators_completed,
            failed: outcome.spectators_failed,
            cut: outcome.spectators_cut,
            sockets_peak: outcome.spectator_sockets_peak,
            memory_signed_up: signed_up,
            memory_watching: watching,
            per_spectator_kib: per_spectator,
        }
    }
}

/// One step: K parties of N players from sign-up to results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// `once` (every party starts at once, plays once) or `continuous`
    /// (this many parties always in progress, measured in a window).
    pub mode: String,
    pub parties: usize,
    pub players_per_party: usize,
    pub players: usize,
    pub interval_s: f64,
    pub parties_completed: usize,
    /// Continuous: parties still running when the window closed.
    pub parties_cut: usize,
    /// From the first scheduled action to the last player's end.
    pub duration_s: f64,
    /// The measured time: the window (continuous) or the whole step.
    pub measured_s: f64,
    /// Parties completed per second of measured time.
    pub parties_per_second: f64,
    pub requests_per_second: f64,
    /// Write requests per second: each is one write transaction on the
    /// server (add a presence write per socket open and close).
    pub write_requests_per_second: f64,
    pub connected_peak: i64,
    pub memory: MemoryReport,
    /// CPU over the whole step (reports from before 2026-12-07 have none).
    #[serde(default)]
    pub cpu: CpuReport,
    #[serde(flatten)]
    pub measured: Measured,
    /// With `--spectators`: how they fared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spectators: Option<SpectatorReport>,
    /// No error, no lost event, every party completed, and both p99s
    /// under the target.
    pub held: bool,
    /// Why not, if not.
    pub broken_by: Vec<String>,
}

impl StepReport {
    /// No error, no lost event, every party completed (timing aside; in
    /// continuous mode the parties cut by the window's end are fine).
    pub fn clean(&self) -> bool {
        let all_done = if self.mode == "once" {
            self.parties_completed == self.parties
        } else {
            self.parties_completed > 0
        };
        let spectators_done = self.spectators.as_ref().is_none_or(|s| s.failed == 0);
        self.measured.error_total() == 0
            && self.measured.lost_events == 0
            && self.measured.spectator_lost_events == 0
            && all_done
            && spectators_done
    }
}

/// The capacity profile's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    pub target_p99_ms: f64,
    /// The most concurrent parties held (None: not even the first step).
    pub largest_held_parties: Option<usize>,
    pub largest_held_players: Option<usize>,
    pub first_broken_parties: Option<usize>,
    /// Why the ramp stopped.
    pub stopped_by: String,
}

/// The JSON document of a load run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    pub benchmark: String,
    pub profile: Profile,
    pub server: String,
    pub started_at: String,
    pub players_per_party: usize,
    pub interval_s: f64,
    pub target_p99_ms: f64,
    pub steps: Vec<StepReport>,
    pub capacity: Option<Capacity>,
    /// Smoke and standard: every step clean. Capacity: always true (it
    /// reports a number; breaking is its job).
    pub passed: bool,
}

/// Two decimals: the reports' precision.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// What broke in a step (empty: it held).
pub(crate) fn verdict(r: &StepReport, target_ms: f64, spectator_target_ms: f64) -> Vec<String> {
    let m = &r.measured;
    let mut broken = Vec::new();
    if m.error_total() > 0 {
        broken.push(format!("{} errors", m.error_total()));
    }
    if m.lost_events > 0 {
        broken.push(format!("{} lost events", m.lost_events));
    }
    if r.mode == "once" && r.parties_completed < r.parties {
        broken.push(format!(
            "{} of {} parties completed",
            r.parties_completed, r.parties
        ));
    }
    if r.parties_completed == 0 {
        broken.push("no party completed".into());
    }
    if m.overall.p99_ms > target_ms {
        broken.push(format!(
            "p99 request latency {:.1} ms > {target_ms} ms",
            m.overall.p99_ms
        ));
    }
    if m.fanout.p99_ms > target_ms {
        broken.push(format!(
            "p99 fan-out {:.1} ms > {target_ms} ms",
            m.fanout.p99_ms
        ));
    }
    if let Some(sp) = &r.spectators {
        if m.spectator_lost_events > 0 {
            broken.push(format!(
                "{} events lost by spectators",
                m.spectator_lost_events
            ));
        }
        if sp.failed > 0 {
            broken.push(format!("{} of {} spectators failed", sp.failed, sp.total));
        }
        if m.spectator_fanout.p99_ms > spectator_target_ms {
            broken.push(format!(
                "p99 spectator fan-out {:.1} ms > {spectator_target_ms} ms",
                m.spectator_fanout.p99_ms
            ));
        }
    }
    broken
}

/// A step as the human reads it.
pub fn step_table(s: &StepReport) -> String {
    let m = &s.measured;
    let mut out = String::new();
    if s.mode == "once" {
        let _ = writeln!(
            out,
            "{} parties × {} players, one action per player every {} s, every party once",
            s.parties, s.players_per_party, s.interval_s
        );
        let _ = writeln!(
            out,
            "  parties completed {}/{} in {:.1} s ({:.2}/s)",
            s.parties_completed, s.parties, s.duration_s, s.parties_per_second
        );
    } else {
        let _ = writeln!(
            out,
            "{} parties × {} players always in progress, one action per player every {} s; measured {:.0} s after a warm-up",
            s.parties, s.players_per_party, s.interval_s, s.measured_s
        );
        let _ = writeln!(
            out,
            "  parties completed {} ({:.2}/s in the window), {} cut at the end; step took {:.1} s",
            s.parties_completed, s.parties_per_second, s.parties_cut, s.duration_s
        );
    }
    let _ = writeln!(
        out,
        "  measured: {} requests ({:.0}/s), {:.0} write requests/s; sockets open at most {}",
        m.requests, s.requests_per_second, s.write_requests_per_second, s.connected_peak
    );
    let _ = writeln!(
        out,
        "  {:<14}{:>8}{:>10}{:>10}{:>10}{:>10}",
        "latency (ms)", "count", "p50", "p95", "p99", "max"
    );
    let row = |out: &mut String, name: &str, x: &stats::Summary| {
        let _ = writeln!(
            out,
            "  {:<14}{:>8}{:>10.2}{:>10.2}{:>10.2}{:>10.2}",
            name, x.count, x.p50_ms, x.p95_ms, x.p99_ms, x.max_ms
        );
    };
    for (kind, x) in &m.latency {
        row(&mut out, kind, x);
    }
    row(&mut out, "all requests", &m.overall);
    row(&mut out, "(service)", &m.service);
    row(&mut out, "fan-out", &m.fanout);
    if s.spectators.is_some() {
        row(&mut out, "spect. fan-out", &m.spectator_fanout);
    }
    for (who, slow) in [
        ("players", &m.slowest_event),
        ("spectators", &m.slowest_spectator_event),
    ] {
        if let Some(e) = slow {
            let _ = writeln!(
                out,
                "  slowest event for {who}: {} (seq {}) reached the last after {:.1} ms",
                e.kind, e.seq, e.ms
            );
        }
    }
    let list = |map: &std::collections::BTreeMap<String, u64>| {
        if map.is_empty() {
            "none".to_owned()
        } else {
            map.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(
        out,
        "  events received {}, lost {}; errors {} ({}); phrase retries: {}; status polls {}",
        m.events_received,
        m.lost_events,
        m.error_total(),
        list(&m.errors),
        list(&m.retries),
        m.stalls
    );
    let kib = |x: Option<u64>| x.map_or("n/a".to_owned(), |k| format!("{k}"));
    let _ = writeln!(
        out,
        "  server RSS KiB: before {}, peak {}, after {}; per connected socket {}",
        kib(s.memory.before.kib()),
        kib(s.memory.peak.kib()),
        kib(s.memory.after.kib()),
        s.memory
            .per_connected_player_kib
            .map_or("n/a".to_owned(), |k| format!("{k:.1} KiB"))
    );
    if let Some(sp) = &s.spectators {
        let _ = writeln!(
            out,
            "  spectators: {} per party, {} in all; watched to the end {}, failed {}, cut {}; sockets open at most {}",
            sp.per_party, sp.total, sp.completed, sp.failed, sp.cut, sp.sockets_peak
        );
        let _ = writeln!(
            out,
            "  spectator events received {}, lost {}; server RSS KiB signed up {}, watching {}; per spectator {}",
            m.spectator_events_received,
            m.spectator_lost_events,
            kib(sp.memory_signed_up.and_then(|m| m.kib())),
            kib(sp.memory_watching.and_then(|m| m.kib())),
            sp.per_spectator_kib
                .map_or("n/a".to_owned(), |k| format!("{k:.1} KiB"))
        );
    }
    let pct = |x: Option<f64>| x.map_or("n/a".to_owned(), |p| format!("{p:.1} %"));
    let _ = writeln!(
        out,
        "  CPU over the step: server {}, bench {} (of one core); machine busy {} of {} cores",
        pct(s.cpu.server_percent),
        pct(s.cpu.bench_percent),
        pct(s.cpu.machine_busy_percent),
        s.cpu.cores
    );
    if s.held {
        let _ = writeln!(out, "  held");
    } else {
        let _ = writeln!(out, "  broken by: {}", s.broken_by.join("; "));
    }
    out
}

/// The closing lines of a run.
pub fn summary(r: &LoadReport) -> String {
    let mut out = String::new();
    if let Some(c) = &r.capacity {
        let _ = writeln!(
            out,
            "capacity at p99 < {} ms (requests and fan-out), {} players per party, an action every {} s: {}",
            c.target_p99_ms,
            r.players_per_party,
            r.interval_s,
            c.largest_held_parties.map_or_else(
                || "not even the first step held".to_owned(),
                |p| format!(
                    "{p} concurrent parties ({} players) held",
                    p * r.players_per_party
                )
            )
        );
        if let Some(b) = c.first_broken_parties {
            let _ = writeln!(
                out,
                "  first broken at {b} parties; stopped by {}",
                c.stopped_by
            );
        }
    } else {
        let _ = writeln!(
            out,
            "{}: {}",
            serde_json::to_value(r.profile)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            if r.passed {
                "passed (no errors, no lost events, every party completed)"
            } else {
                "FAILED (errors, lost events or unfinished parties; see above)"
            }
        );
    }
    out
}

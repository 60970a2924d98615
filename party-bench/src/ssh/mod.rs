//! The `ssh` profile: many SSH players on one `party-tui host --serve-only`
//! process, and what they cost it.
//!
//! Each simulated player is a russh client ([`player`]) with a terminal of
//! its own size that reads everything the host draws. The run opens every
//! session (a few at a time), lets them sit idle for a window, then turns
//! them active (each signs in as a guest and walks the dashboard's dialogs,
//! a key every interval) for a window, and closes them. With the host's
//! pid it reads the host's `VmRSS` (`/proc/PID/status`) before, once every
//! session is open, and after the active window — memory per session is
//! the growth over the sessions — and its CPU time (`utime` + `stime` of
//! `/proc/PID/stat`) over each window.

mod player;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::Instant;

use crate::config::SshConfig;
use crate::cpu::ProcessSample;
use crate::probe::vm_rss_kib;
use player::{Counters, Opened, Orders, Phase};

/// The memory target per SSH session.
pub const TARGET_KIB: f64 = 512.0;

/// How long the host gets to settle after the sessions open or close.
const SETTLE: Duration = Duration::from_secs(2);
/// How long the guests get to sign in before the active window.
const SIGN_IN_WAIT: Duration = Duration::from_secs(30);

/// One look at the host process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    rss_kib: Option<u64>,
    cpu: ProcessSample,
}

fn sample(pid: Option<u32>) -> Sample {
    Sample {
        rss_kib: pid.and_then(vm_rss_kib),
        cpu: ProcessSample::of(pid),
    }
}

/// CPU used between two samples, in percent of one core.
fn cpu_percent(from: Sample, to: Sample) -> Option<f64> {
    to.cpu.percent_since(&from.cpu)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The host's resident memory at each stage, in KiB.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rss {
    pub before: Option<u64>,
    /// Every session open, at the sign-in screen.
    pub open: Option<u64>,
    /// After the active window (every guest signed in and moving).
    pub active: Option<u64>,
    /// After the sessions closed.
    pub closed: Option<u64>,
}

/// Milliseconds to a session's first drawn screen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpenTimes {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// What an `ssh` run measured.
#[derive(Debug, Clone, Serialize)]
pub struct SshReport {
    pub profile: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    pub addr: String,
    pub terminal: String,
    pub sessions: usize,
    pub opened: usize,
    /// Why sessions did not open, and how many each.
    pub open_errors: BTreeMap<String, u64>,
    pub open_time: OpenTimes,
    pub signed_in: u64,
    /// Games that ended before the run closed them.
    pub closed_early: u64,
    pub window_seconds: f64,
    pub key_interval_seconds: f64,
    pub rss_kib: Rss,
    /// (RSS open − RSS before) / sessions open.
    pub per_session_kib_open: Option<f64>,
    /// (RSS active − RSS before) / sessions open.
    pub per_session_kib_active: Option<f64>,
    /// The host's CPU over each window, in percent of one core.
    pub cpu_idle_percent: Option<f64>,
    pub cpu_active_percent: Option<f64>,
    /// What the host drew, bytes a second, over each window.
    pub idle_bytes_per_second: f64,
    pub active_bytes_per_second: f64,
    pub keys_per_second: f64,
    pub target_kib_per_session: f64,
    /// Every session opened and stayed, and memory per session is within
    /// the target (when measured).
    pub passed: bool,
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    round1(sorted[i].as_secs_f64() * 1000.0)
}

fn per_session(from: Option<u64>, to: Option<u64>, sessions: usize) -> Option<f64> {
    let grown = to? as f64 - from? as f64;
    (sessions > 0).then(|| round1(grown / sessions as f64))
}

/// Runs the profile: open, idle window, active window, close.
pub async fn run(cfg: &SshConfig) -> SshReport {
    let started_at = OffsetDateTime::now_utc();
    let deadline = Instant::now() + Duration::from_secs(cfg.max_seconds);
    let counters = Arc::new(Counters::default());
    let (phase, phase_rx) = watch::channel(Phase::Idle);
    let (opened_tx, mut opened_rx) = mpsc::unbounded_channel::<Opened>();
    let before = sample(cfg.pid);

    // Open every session, a few at a time.
    let gate = Arc::new(Semaphore::new(cfg.connect_concurrency.max(1)));
    let spread = cfg.interval.as_secs_f64() / cfg.sessions.max(1) as f64;
    let mut tasks = Vec::with_capacity(cfg.sessions);
    for i in 0..cfg.sessions {
        let orders = Orders {
            addr: cfg.addr,
            size: cfg.size,
            interval: cfg.interval,
            offset: Duration::from_secs_f64(spread * i as f64),
        };
        let (counters, phase_rx, gate) = (counters.clone(), phase_rx.clone(), gate.clone());
        let (tx, rx) = mpsc::unbounded_channel::<Opened>();
        let opened_tx = opened_tx.clone();
        // The gate is held until this session's first screen is drawn.
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await;
            let relay = async move {
                let mut rx = rx;
                if let Some(first) = rx.recv().await {
                    drop(permit);
                    let _ = opened_tx.send(first);
                }
            };
            tokio::join!(player::play(orders, counters, phase_rx, tx), relay);
        }));
    }
    drop(opened_tx);
    let mut times = Vec::new();
    let mut open_errors: BTreeMap<String, u64> = BTreeMap::new();
    let mut failed = 0;
    while times.len() + failed < cfg.sessions {
        match tokio::time::timeout_at(deadline, opened_rx.recv()).await {
            Ok(Some(Ok(took))) => times.push(took),
            Ok(Some(Err(err))) => {
                failed += 1;
                *open_errors.entry(err).or_default() += 1;
            }
            Ok(None) | Err(_) => break,
        }
    }
    times.sort();
    let opened = times.len();
    tokio::time::sleep(SETTLE).await;
    let open = sample(cfg.pid);

    // Idle: every game on its sign-in screen, nobody typing.
    let bytes0 = counters.bytes.load(Ordering::Relaxed);
    let window = cfg
        .window
        .min(deadline.saturating_duration_since(Instant::now()) / 3);
    tokio::time::sleep(window).await;
    let idle_end = sample(cfg.pid);
    let idle_bytes = counters.bytes.load(Ordering::Relaxed) - bytes0;

    // Active: every guest signs in, then walks the dashboard.
    phase.send_replace(Phase::Active);
    let signing = Instant::now();
    while (counters.signed_in.load(Ordering::Relaxed) as usize) < opened
        && signing.elapsed() < SIGN_IN_WAIT
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let active_start = sample(cfg.pid);
    let (bytes1, keys1) = (
        counters.bytes.load(Ordering::Relaxed),
        counters.keys.load(Ordering::Relaxed),
    );
    let window_active = cfg
        .window
        .min(deadline.saturating_duration_since(Instant::now()) / 2);
    tokio::time::sleep(window_active).await;
    let active_end = sample(cfg.pid);
    let active_bytes = counters.bytes.load(Ordering::Relaxed) - bytes1;
    let keys = counters.keys.load(Ordering::Relaxed) - keys1;

    // Close every session and see what the host gives back.
    phase.send_replace(Phase::Close);
    for task in tasks {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_secs(5));
        if tokio::time::timeout(left, task).await.is_err() {
            break;
        }
    }
    tokio::time::sleep(SETTLE).await;
    let closed = sample(cfg.pid);

    let rss_kib = Rss {
        before: before.rss_kib,
        open: open.rss_kib,
        active: active_end.rss_kib,
        closed: closed.rss_kib,
    };
    let per_session_kib_open = per_session(rss_kib.before, rss_kib.open, opened);
    let per_session_kib_active = per_session(rss_kib.before, rss_kib.active, opened);
    let closed_early = counters.closed_early.load(Ordering::Relaxed);
    let within = [per_session_kib_open, per_session_kib_active]
        .into_iter()
        .flatten()
        .all(|kib| kib <= TARGET_KIB);
    let rate = |n: u64, d: Duration| round1(n as f64 / d.as_secs_f64().max(0.001));
    SshReport {
        profile: "ssh",
        started_at,
        addr: cfg.addr.to_string(),
        terminal: format!("{}x{}", cfg.size.0, cfg.size.1),
        sessions: cfg.sessions,
        opened,
        open_errors,
        open_time: OpenTimes {
            p50_ms: percentile(&times, 0.50),
            p99_ms: percentile(&times, 0.99),
            max_ms: percentile(&times, 1.0),
        },
        signed_in: counters.signed_in.load(Ordering::Relaxed),
        closed_early,
        window_seconds: round1(window.as_secs_f64()),
        key_interval_seconds: cfg.interval.as_secs_f64(),
        rss_kib,
        per_session_kib_open,
        per_session_kib_active,
        cpu_idle_percent: cpu_percent(open, idle_end),
        cpu_active_percent: cpu_percent(active_start, active_end),
        idle_bytes_per_second: rate(idle_bytes, window),
        active_bytes_per_second: rate(active_bytes, window_active),
        keys_per_second: rate(keys, window_active),
        target_kib_per_session: TARGET_KIB,
        passed: opened == cfg.sessions && closed_early == 0 && within,
    }
}

/// The report as a table for people.
pub fn table(r: &SshReport) -> String {
    let kib =
        |v: Option<u64>| v.map_or("-".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    let opt = |v: Option<f64>, unit: &str| v.map_or("-".to_owned(), |v| format!("{v} {unit}"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ssh: {} of {} sessions opened ({} terminals) on {}; {} signed in; {} closed early",
        r.opened, r.sessions, r.terminal, r.addr, r.signed_in, r.closed_early
    );
    for (err, n) in &r.open_errors {
        let _ = writeln!(out, "  not opened ×{n}: {err}");
    }
    let _ = writeln!(
        out,
        "  to the first screen: p50 {} ms, p99 {} ms, max {} ms",
        r.open_time.p50_ms, r.open_time.p99_ms, r.open_time.max_ms
    );
    let _ = writeln!(
        out,
        "  host RSS: before {}, open {}, active {}, closed {}",
        kib(r.rss_kib.before),
        kib(r.rss_kib.open),
        kib(r.rss_kib.active),
        kib(r.rss_kib.closed)
    );
    let _ = writeln!(
        out,
        "  memory per session: {} open, {} active (target ≤ {} KiB)",
        opt(r.per_session_kib_open, "KiB"),
        opt(r.per_session_kib_active, "KiB"),
        r.target_kib_per_session
    );
    let _ = writeln!(
        out,
        "  host CPU ({} s windows): idle {}, active {} (of one core); drawn {} B/s idle, {} B/s active; {} keys/s",
        r.window_seconds,
        opt(r.cpu_idle_percent, "%"),
        opt(r.cpu_active_percent, "%"),
        r.idle_bytes_per_second,
        r.active_bytes_per_second,
        r.keys_per_second
    );
    let _ = writeln!(out, "  {}", if r.passed { "PASSED" } else { "FAILED" });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_is_shared_over_the_sessions() {
        assert_eq!(per_session(Some(10_000), Some(60_000), 200), Some(250.0));
        assert_eq!(per_session(None, Some(60_000), 200), None);
        assert_eq!(per_session(Some(1), Some(2), 0), None);
    }

    #[test]
    fn percentiles_of_the_open_times() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert!((percentile(&times, 0.5) - 50.0).abs() < f64::EPSILON);
        assert!((percentile(&times, 0.99) - 99.0).abs() < f64::EPSILON);
        assert!((percentile(&times, 1.0) - 100.0).abs() < f64::EPSILON);
        assert!(percentile(&[], 0.5).abs() < f64::EPSILON);
    }
}

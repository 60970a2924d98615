//! The smoke benchmark against a real server in this process: every party
//! completes, with no error and no lost event.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use party_bench::{self as bench, LoadConfig, Profile};

/// A real server in this test process, on port 0 over a fresh SQLite file.
async fn server(dir: &std::path::Path) -> String {
    let mut config = party_server::Config::local("127.0.0.1:0".parse().unwrap(), dir).unwrap();
    config.rate_limits = party_server::config::Switch::Off;
    let app = party_server::Application::build(&config).await.unwrap();
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.run(std::future::pending()));
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smoke_profile_completes_every_party_without_errors_or_lost_events() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let mut cfg = LoadConfig::for_profile(Profile::Smoke, &url);
    // The server runs in this process: its memory is ours.
    cfg.server_pid = Some(std::process::id());
    let report = bench::run(&cfg, |_| {}).await;
    let table = report
        .steps
        .iter()
        .map(bench::step_table)
        .collect::<String>();
    assert!(report.passed, "{table}");
    assert_eq!(report.steps.len(), 1);
    let step = &report.steps[0];
    assert_eq!(step.parties_completed, cfg.parties, "{table}");
    assert_eq!(step.measured.error_total(), 0, "{table}");
    assert_eq!(step.measured.lost_events, 0, "{table}");
    // Every player played every round: 1 prompt + 2 copies + 3 votes (one
    // on a party set and two global ones with 4 players), each a start and
    // a submit.
    let players = (cfg.parties * cfg.players) as u64;
    assert_eq!(step.measured.latency["start_round"].count, 6 * players);
    assert!(step.measured.latency["submit"].count >= 6 * players);
    assert_eq!(step.measured.latency["guest"].count, players);
    assert_eq!(step.measured.latency["results"].count, players);
    assert_eq!(step.connected_peak, players as i64);
    // Events reached every socket, and their fan-out was measured.
    assert!(step.measured.fanout.count > 0);
    assert!(step.measured.events_received >= step.measured.fanout.count);
    assert!(step.memory.before.vm_rss_kib.is_some());

    // The JSON document carries the same numbers.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["profile"], "smoke");
    assert_eq!(json["steps"][0]["lost_events"], 0);
    assert_eq!(json["steps"][0]["parties_completed"], cfg.parties);
    assert!(json["steps"][0]["latency"]["submit"]["p99_ms"].is_number());
    assert!(json["steps"][0]["fanout"]["p99_ms"].is_number());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spectators_watch_every_party_to_its_end_and_miss_no_event() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let mut cfg = LoadConfig::for_profile(Profile::Smoke, &url);
    cfg.spectators = 5;
    cfg.server_pid = Some(std::process::id());
    let report = bench::run(&cfg, |_| {}).await;
    let table = report
        .steps
        .iter()
        .map(bench::step_table)
        .collect::<String>();
    assert!(report.passed, "{table}");
    let step = &report.steps[0];
    let spectators = step.spectators.as_ref().expect("a spectator report");
    assert_eq!(spectators.total, cfg.parties * 5, "{table}");
    assert_eq!(spectators.completed, spectators.total, "{table}");
    assert_eq!(spectators.failed, 0, "{table}");
    assert_eq!(spectators.sockets_peak, spectators.total as i64, "{table}");
    assert_eq!(step.measured.spectator_lost_events, 0, "{table}");
    assert_eq!(step.measured.latency["spectate"].count, 10, "{table}");
    // The host started only once its spectators watched: each saw the
    // game's events (the start, three phase changes, the end) at least.
    assert!(step.measured.spectator_fanout.count > 0, "{table}");
    assert!(step.measured.spectator_events_received >= 10 * 5, "{table}");
    assert!(spectators.memory_watching.is_some(), "{table}");
    assert!(spectators.per_spectator_kib.is_some(), "{table}");
    // Players' numbers are as without spectators.
    assert_eq!(step.parties_completed, cfg.parties, "{table}");
    assert_eq!(step.connected_peak, (cfg.parties * cfg.players) as i64);
}

#[test]
fn the_benchmark_refuses_other_machines() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_party-bench"))
        .args(["--profile", "smoke", "--server", "http://192.0.2.1:8000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("this machine"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn continuous_mode_keeps_parties_in_progress_and_measures_a_window() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let mut cfg = LoadConfig::for_profile(Profile::Standard, &url);
    cfg.parties = 2;
    cfg.players = 3;
    cfg.votes_per_player = 1;
    cfg.interval = std::time::Duration::from_millis(100);
    cfg.warmup = Some(std::time::Duration::from_millis(500));
    cfg.window = std::time::Duration::from_secs(3);
    let report = bench::run(&cfg, |_| {}).await;
    let step = &report.steps[0];
    let table = bench::step_table(step);
    assert_eq!(step.mode, "continuous");
    assert!(report.passed, "{table}");
    // A 3-player party takes about a second here: each slot played several.
    assert!(step.parties_completed > cfg.parties, "{table}");
    assert!(step.parties_per_second > 0.0, "{table}");
    assert!((step.measured_s - 3.0).abs() < 1e-9);
    assert_eq!(step.measured.error_total(), 0, "{table}");
    assert_eq!(step.measured.lost_events, 0, "{table}");
}

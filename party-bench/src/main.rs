//! `party-bench`: load and storage benchmarks for a Quipflip Party server
//! on this machine. See party-bench/BENCHMARKS.md.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use party_bench::client::is_local;
use party_bench::config::SshConfig;
use party_bench::queries::{self, QueriesConfig};
use party_bench::storage::{self, StorageConfig};
use party_bench::{self as bench, LoadConfig, Profile};

/// Load-test a Quipflip Party server with a swarm of bots, or measure the
/// database's raw write ceiling.
#[derive(Debug, Parser)]
#[command(name = "party-bench", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    load: LoadArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The storage ceiling: single-row write transactions per second.
    Storage(StorageArgs),
    /// The after-the-party queries (history, stats, leaderboards) over a
    /// seeded scratch database: p50/p99 per query.
    Queries(QueriesArgs),
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// The server URL: this machine only (127.0.0.1 or localhost).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    server: String,
    /// Also trust the CA certificate(s) in this PEM file, for an
    /// `https://` server with a private or self-signed certificate.
    #[arg(long, env = "PARTY_CA_CERT", value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// smoke (seconds, fails on errors or lost events), standard, capacity,
    /// spectators (one party of 8 watched by 10,000 spectator sockets), or
    /// ssh (sessions on a `party-tui host --serve-only`, see --ssh).
    #[arg(long, value_enum, default_value_t = Profile::Smoke)]
    profile: Profile,
    /// ssh profile: the host's SSH address (this machine only), e.g. 127.0.0.1:2222.
    #[arg(long, value_name = "ADDR")]
    ssh: Option<std::net::SocketAddr>,
    /// ssh profile: SSH sessions to open, one per simulated player (1–2000, default 200).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=2000))]
    sessions: Option<u16>,
    /// Concurrent parties (smoke and standard; capacity: the ramp's first step).
    #[arg(long)]
    parties: Option<usize>,
    /// Players per party (3–8).
    #[arg(long)]
    players: Option<usize>,
    /// Spectators watching each party over the read-only socket (any load
    /// profile; 0–10,000; the spectators profile: 10,000). Raise the open
    /// file limit (`ulimit -n`) of the bench and the server to match.
    #[arg(long, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    spectators: Option<u16>,
    /// The p99 spectator fan-out (ms) a step must stay under (default 250).
    #[arg(long)]
    spectator_target_p99_ms: Option<f64>,
    /// Seconds between a player's actions, 0.01–600 (ssh profile: keys; default 0.5).
    #[arg(long, value_parser = seconds_in(0.01, 600.0))]
    interval: Option<f64>,
    /// Prompts per player (copies are twice that).
    #[arg(long)]
    prompts: Option<i64>,
    /// Votes per player.
    #[arg(long)]
    votes: Option<i64>,
    /// Capacity: the numbers of parties to try, e.g. 50,100,200,400.
    #[arg(long, value_delimiter = ',')]
    ramp: Option<Vec<usize>>,
    /// Capacity: bisection steps after the first broken step.
    #[arg(long)]
    refine: Option<usize>,
    /// Capacity: the p99 target (ms) for request latency and for fan-out.
    #[arg(long)]
    target_p99_ms: Option<f64>,
    /// Standard and capacity: seconds measured after the warm-up (ssh
    /// profile: each of the idle and the active window; default 15), 1–3600.
    #[arg(long, value_parser = seconds_in(1.0, 3600.0))]
    window: Option<f64>,
    /// Standard and capacity: seconds over which party starts are spread
    /// (default: one party's length), 1–3600.
    #[arg(long, value_parser = seconds_in(1.0, 3600.0))]
    warmup: Option<f64>,
    /// Start every party at once and play it once (the smoke profile's way)
    /// instead of keeping K parties in progress.
    #[arg(long)]
    once: bool,
    /// Stop the whole run after this many seconds.
    #[arg(long)]
    max_seconds: Option<u64>,
    /// The server process id (ssh profile: the host's): its resident
    /// memory (and for ssh its CPU time) is read from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Write the JSON report to this file (`-`: stdout, the tables go to stderr).
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct StorageArgs {
    /// `sqlite://PATH` (a scratch file) or `postgres://USER@127.0.0.1/DB`.
    #[arg(long)]
    database_url: String,
    /// How long to write, 0.1–600 seconds.
    #[arg(long, default_value_t = 10.0, value_parser = seconds_in(0.1, 600.0))]
    seconds: f64,
    /// Concurrent writers (PostgreSQL: one connection each, at most 16 like the server).
    #[arg(long, default_value_t = 16)]
    workers: usize,
    /// Keep the scratch table `bench_writes`.
    #[arg(long)]
    keep: bool,
    /// The write path: `server` (the server's own store, as a game write)
    /// or `sqlx` (sqlx's drivers; the path measured before 2026-12-07).
    #[arg(long, value_enum, default_value_t = storage::Via::Server)]
    via: storage::Via,
    /// Write the JSON report to this file (`-`: stdout).
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct QueriesArgs {
    /// `sqlite://PATH` (a new scratch file) or `postgres://USER@127.0.0.1/DB`
    /// (an empty scratch database: the seed is not removed).
    #[arg(long)]
    database_url: String,
    /// Players to seed (every 50th a bot), 8–1,000,000.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(8..=1_000_000))]
    players: u32,
    /// Finished parties to seed (3–8 players each), 1–1,000,000.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    parties: u32,
    /// Timed calls of each query, 1–100,000.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    repetitions: u32,
    /// The random seed of the data and of the callers.
    #[arg(long, default_value_t = 16)]
    seed: u64,
    /// Write the JSON report to this file (`-`: stdout).
    #[arg(long)]
    json: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("party-bench: cannot start the runtime: {err}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(Command::Storage(args)) => runtime.block_on(storage_main(args)),
        Some(Command::Queries(args)) => runtime.block_on(queries_main(args)),
        None => runtime.block_on(load_main(cli.load)),
    }
}

/// Where the human tables go: stderr when the JSON takes stdout.
fn human(json: Option<&PathBuf>, text: &str) {
    if json.is_some_and(|p| p.as_os_str() == "-") {
        eprint!("{text}");
    } else {
        print!("{text}");
        let _ = std::io::stdout().flush();
    }
}

/// Writes the JSON report, then exits with success when the run passed
/// (2 when the report cannot be written).
fn finish<T: serde::Serialize>(json: Option<&PathBuf>, report: &T, passed: bool) -> ExitCode {
    if let Err(err) = write_json(json, report) {
        eprintln!("party-bench: cannot write the JSON report: {err}");
        return ExitCode::from(2);
    }
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn write_json<T: serde::Serialize>(path: Option<&PathBuf>, value: &T) -> Result<(), String> {
    let Some(path) = path else {
        return Ok(());
    };
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    if path.as_os_str() == "-" {
        println!("{text}");
        Ok(())
    } else {
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
    }
}

async fn load_main(a: LoadArgs) -> ExitCode {
    if a.profile == Profile::Ssh {
        return ssh_main(a).await;
    }
    if !is_local(&a.server) {
        eprintln!(
            "party-bench: --server must be this machine (127.0.0.1, localhost or [::1]), not {}",
            a.server
        );
        return ExitCode::from(2);
    }
    let mut cfg = LoadConfig::for_profile(a.profile, &a.server);
    if let Some(ca) = &a.ca_cert {
        match party_tui::tls::Trust::new(&a.server, Some(ca)) {
            Ok(trust) => cfg.trust = trust,
            Err(err) => {
                eprintln!("party-bench: {}", err.message);
                return ExitCode::from(2);
            }
        }
    }
    if let Some(p) = a.parties {
        cfg.parties = p;
        if a.profile == Profile::Capacity && a.ramp.is_none() {
            let mut ramp = vec![p];
            while ramp.len() < 8 {
                ramp.push(ramp[ramp.len() - 1] * 2);
            }
            cfg.ramp = ramp;
        }
    }
    if let Some(n) = a.players {
        let allowed = &party_protocol::party::PARTY_PLAYERS;
        if !i64::try_from(n).is_ok_and(|n| allowed.contains(&n)) {
            eprintln!(
                "party-bench: --players must be {} to {}",
                allowed.start(),
                allowed.end()
            );
            return ExitCode::from(2);
        }
        cfg.players = n;
    }
    if let Some(s) = a.interval {
        cfg.interval = Duration::from_secs_f64(s);
    }
    if let Some(n) = a.spectators {
        cfg.spectators = usize::from(n);
    }
    if let Some(t) = a.spectator_target_p99_ms {
        cfg.spectator_target_p99_ms = t;
    }
    if let Some(p) = a.prompts {
        cfg.prompts_per_player = p;
    }
    if let Some(v) = a.votes {
        cfg.votes_per_player = v;
    }
    if let Some(r) = a.ramp {
        cfg.ramp = r.into_iter().filter(|k| *k > 0).collect();
    }
    if let Some(r) = a.refine {
        cfg.refine = r;
    }
    if let Some(t) = a.target_p99_ms {
        cfg.target_p99_ms = t;
    }
    if let Some(m) = a.max_seconds {
        cfg.max_seconds = m;
    }
    cfg.server_pid = a.server_pid;
    if let Some(w) = a.window {
        cfg.window = Duration::from_secs_f64(w);
    }
    if let Some(w) = a.warmup {
        cfg.warmup = Some(Duration::from_secs_f64(w));
    }
    if a.once {
        cfg.continuous = false;
    }
    if cfg.parties == 0 || cfg.ramp.is_empty() {
        eprintln!("party-bench: nothing to run (no parties)");
        return ExitCode::from(2);
    }
    let json = a.json.as_ref();
    human(
        json,
        &format!(
            "party-bench {:?} against {} (stop after {} s)\n",
            cfg.profile, cfg.server, cfg.max_seconds
        )
        .to_lowercase(),
    );
    let report = bench::run(&cfg, |step| human(json, &bench::step_table(step))).await;
    human(json, &bench::summary(&report));
    finish(json, &report, report.passed)
}

async fn ssh_main(a: LoadArgs) -> ExitCode {
    let Some(addr) = a.ssh else {
        eprintln!("party-bench: the ssh profile needs --ssh ADDR (the host's SSH listener)");
        return ExitCode::from(2);
    };
    if !addr.ip().is_loopback() {
        eprintln!("party-bench: --ssh must be this machine (127.0.0.1 or [::1]), not {addr}");
        return ExitCode::from(2);
    }
    let mut cfg = SshConfig::new(addr);
    cfg.pid = a.server_pid;
    if let Some(n) = a.sessions {
        cfg.sessions = usize::from(n);
    }
    if let Some(s) = a.interval {
        cfg.interval = Duration::from_secs_f64(s);
    }
    if let Some(w) = a.window {
        cfg.window = Duration::from_secs_f64(w);
    }
    if let Some(m) = a.max_seconds {
        cfg.max_seconds = m;
    }
    let json = a.json.as_ref();
    if cfg.pid.is_none() {
        human(
            json,
            "party-bench: no --server-pid: the host's memory and CPU are not measured
",
        );
    }
    human(
        json,
        &format!(
            "party-bench ssh: {} sessions against {} (stop after {} s)
",
            cfg.sessions, cfg.addr, cfg.max_seconds
        ),
    );
    let report = party_bench::ssh::run(&cfg).await;
    human(json, &party_bench::ssh::table(&report));
    finish(json, &report, report.passed)
}

async fn storage_main(a: StorageArgs) -> ExitCode {
    let url = &a.database_url;
    if url.starts_with("postgres") && !is_local(url) {
        eprintln!("party-bench: the database must be on this machine (127.0.0.1 or localhost)");
        return ExitCode::from(2);
    }
    let cfg = StorageConfig {
        database_url: url.clone(),
        duration: Duration::from_secs_f64(a.seconds),
        workers: a.workers.clamp(1, 256),
        keep: a.keep,
        via: a.via,
    };
    match storage::run(&cfg).await {
        Ok(report) => {
            human(a.json.as_ref(), &storage::table(&report));
            finish(a.json.as_ref(), &report, report.errors == 0)
        }
        Err(err) => {
            eprintln!("party-bench: storage benchmark failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn queries_main(a: QueriesArgs) -> ExitCode {
    let url = &a.database_url;
    if url.starts_with("postgres") && !is_local(url) {
        eprintln!("party-bench: the database must be on this machine (127.0.0.1 or localhost)");
        return ExitCode::from(2);
    }
    let cfg = QueriesConfig {
        database_url: url.clone(),
        players: a.players as usize,
        parties: a.parties as usize,
        repetitions: a.repetitions as usize,
        seed: a.seed,
    };
    match queries::run(&cfg).await {
        Ok(report) => {
            human(a.json.as_ref(), &queries::table(&report));
            finish(a.json.as_ref(), &report, true)
        }
        Err(err) => {
            eprintln!("party-bench: queries benchmark failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// A clap parser for a number of seconds within `lo..=hi` (clap's own
/// ranged parsers are for integers only).
fn seconds_in(lo: f64, hi: f64) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync {
    move |text: &str| {
        let secs: f64 = text
            .parse()
            .map_err(|_| format!("{text:?} is not a number of seconds"))?;
        if (lo..=hi).contains(&secs) {
            Ok(secs)
        } else {
            Err(format!("must be between {lo} and {hi} seconds"))
        }
    }
}

//! `party-tui`: play Quipflip Party in the terminal.
//!
//! With no `--server`, a local server starts in this process on SQLite in
//! the data directory, so one person can play against bots at once, or
//! share the party code with friends on the same network (`--lan`).
//! `party-tui headless …` drives the same client from scripts (JSON lines
//! out), and `party-tui bots …` starts simulated players for a party.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use party_server::cli_docs::DocsCommand;
use party_tui::api::ApiClient;
use party_tui::core::{ApiCall, Screen};
use party_tui::embedded::EmbeddedServer;
use party_tui::headless::{self, Exit, Player, Strategy, emit};
use party_tui::headless_cli::{HeadlessCommand, run_headless};
use party_tui::runtime;
use party_tui::share;
use party_tui::ssh::host::{self, HostArgs};
use party_tui::tls::Trust;
use serde_json::json;

/// Play Quipflip Party in the terminal.
#[derive(Debug, Parser)]
#[command(name = "party-tui", version, about)]
struct Cli {
    /// Join a remote server (e.g. `http://192.168.1.20:8000`) instead of starting a local one.
    #[arg(long, env = "PARTY_SERVER", global = true)]
    server: Option<String>,

    /// Local server: listen on all interfaces so friends on the LAN can join
    /// (at the printed address).
    #[arg(long)]
    lan: bool,

    /// Local server: the address to listen on (default 127.0.0.1, any free port;
    /// with --lan 0.0.0.0:8000).
    #[arg(long, env = "PARTY_TUI_BIND")]
    bind: Option<SocketAddr>,

    /// Also trust the CA certificate(s) in this PEM file for `https://`
    /// servers (a private or self-signed server); the platform's trust
    /// roots are always trusted.
    #[arg(long, env = "PARTY_CA_CERT", global = true, value_name = "FILE")]
    ca_cert: Option<PathBuf>,

    /// Where the local database, saved sign-in and logs live.
    #[arg(long, env = "PARTY_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Script the client: JSON lines on stdout, logs on stderr. Needs --server.
    #[command(subcommand)]
    Headless(HeadlessCommand),
    /// Host a game: play it in this terminal and serve it to friends over
    /// SSH (`ssh -p PORT HOST`), with a local server like the default
    /// command or the one named by --server. Quitting your game stops the
    /// host; --serve-only serves without playing.
    Host(HostArgs),
    /// Start simulated players that join a party by code and play it.
    Bots {
        /// How many players.
        #[arg(long, default_value_t = 3)]
        count: usize,
        /// The party to join.
        #[arg(long)]
        join: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 1800)]
        timeout: u64,
    },
    /// `completions SHELL` and `man`: print documentation, needing no server.
    #[command(flatten)]
    Docs(DocsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Docs(docs)) = &cli.command {
        return match docs.run(Cli::command(), &mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("party-tui: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(party_server::config::default_data_dir);
    if let Err(err) = std::fs::create_dir_all(&data_dir) {
        eprintln!("party-tui: cannot create {}: {err}", data_dir.display());
        return ExitCode::FAILURE;
    }
    // Logs go to a file while the terminal belongs to a game.
    let to_stderr = match &cli.command {
        None => false,
        Some(Command::Host(args)) => args.serve_only,
        Some(_) => true,
    };
    init_logs(&data_dir, to_stderr);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("party-tui: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match cli.command {
            None => match play(cli.server, cli.ca_cert, cli.lan, cli.bind, data_dir).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    runtime::restore();
                    eprintln!("party-tui: {err:#}");
                    ExitCode::FAILURE
                }
            },
            Some(Command::Host(args)) => {
                match host::run(
                    args,
                    cli.server,
                    cli.ca_cert.as_deref(),
                    cli.lan,
                    cli.bind,
                    data_dir,
                )
                .await
                {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(err) => {
                        eprintln!("party-tui: {err:#}");
                        ExitCode::FAILURE
                    }
                }
            }
            Some(command) => {
                let Some(server) = cli.server else {
                    eprintln!("party-tui: scripted commands need --server URL (or PARTY_SERVER)");
                    return ExitCode::from(2);
                };
                let trust = match Trust::new(&server, cli.ca_cert.as_deref()) {
                    Ok(trust) => trust,
                    Err(err) => {
                        eprintln!("party-tui: {}", err.message);
                        return ExitCode::from(2);
                    }
                };
                let exit = match command {
                    Command::Headless(cmd) => run_headless(&server, trust, data_dir, cmd).await,
                    Command::Bots {
                        count,
                        join,
                        timeout,
                    } => run_bots(&server, &trust, count, &join, timeout).await,
                    // Answered before the runtime started.
                    Command::Host(_) | Command::Docs(_) => Exit::Ok,
                };
                ExitCode::from(exit as u8)
            }
        }
    })
}

/// Interactive play: logs go to a file (the terminal belongs to the game);
/// scripted commands log to stderr.
fn init_logs(data_dir: &std::path::Path, to_stderr: bool) {
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("PARTY_TUI_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"))
    };
    if to_stderr {
        tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init();
    } else if let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("party-tui.log"))
    {
        tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .init();
    }
}

async fn play(
    server: Option<String>,
    ca_cert: Option<PathBuf>,
    lan: bool,
    bind: Option<SocketAddr>,
    data_dir: PathBuf,
) -> anyhow::Result<()> {
    if let Some(server) = server {
        let trust = Trust::new(&server, ca_cert.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
        let api = ApiClient::with_trust(&server, trust);
        api.check_protocol().await?;
        return runtime::run_interactive(api, Some(data_dir), server, Vec::new()).await;
    }
    let bind = bind.unwrap_or_else(|| {
        if lan {
            SocketAddr::from(([0, 0, 0, 0], 8000))
        } else {
            SocketAddr::from(([127, 0, 0, 1], 0))
        }
    });
    let local = EmbeddedServer::start(bind, &data_dir.join("local")).await?;
    let url = local.url();
    let (label, share) = if lan {
        // Printed before the game takes the screen, so the lines are there
        // again when it gives the screen back; the lobby shows them too.
        let lines = share::lines(Some(local.addr), None, None, &share::machine_addresses());
        println!("Friends on your network can join:");
        for line in &lines {
            println!("  {line}");
        }
        println!("  then the party code from your lobby.");
        let first = lines.first().map_or(String::new(), |l| {
            format!(" · {}", l.trim_start_matches("With the client: "))
        });
        let label = format!("local server on port {} (LAN){first}", local.addr.port());
        (label, lines)
    } else {
        (format!("local server {url}"), Vec::new())
    };
    let result = runtime::run_interactive(ApiClient::new(&url), Some(data_dir), label, share).await;
    local.shutdown().await;
    result
}

/// Simulated players: each signs up as a guest, joins by code, readies and
/// plays every round with generated phrases until RESULTS.
async fn run_bots(server: &str, trust: &Trust, count: usize, code: &str, timeout: u64) -> Exit {
    if let Err(exit) = headless::check_protocol(&ApiClient::with_trust(server, trust.clone())).await
    {
        return exit;
    }
    let mut tasks = Vec::new();
    for i in 0..count {
        let server = server.to_owned();
        let trust = trust.clone();
        let code = code.to_ascii_uppercase();
        // No saved sign-in: each simulated player is a fresh guest.
        tasks.push(tokio::spawn(async move {
            let mut p = Player::new(ApiClient::with_trust(&server, trust), None);
            p.verbose = false;
            let r: Result<(), Exit> = async {
                p.call(ApiCall::Guest).await.map_err(|e| headless::fail(&e))?;
                p.run_until(None, Duration::from_secs(10), |a| a.dashboard.is_some()).await?;
                headless::require_party_mode(&p)?;
                p.call(ApiCall::JoinParty(code.clone())).await.map_err(|e| headless::fail(&e))?;
                let session = headless::opened_party(&mut p).await?;
                p.call(ApiCall::Ready(session, true)).await.map_err(|e| headless::fail(&e))?;
                emit(&json!({"event": "bot_joined", "bot": i, "username": p.app.me.as_ref().map(|m| m.1.clone())}));
                let mut strategy = Strategy::Bot;
                p.run_until(Some(&mut strategy), Duration::from_secs(timeout), |a| {
                    a.screen == Screen::Results && a.results.is_some()
                })
                .await?;
                emit(&json!({"event": "bot_done", "bot": i}));
                Ok(())
            }
            .await;
            r
        }));
    }
    let mut exit = Exit::Ok;
    for t in tasks {
        if let Ok(Err(e)) = t.await {
            exit = e;
        }
    }
    exit
}

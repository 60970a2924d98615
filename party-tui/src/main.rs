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
use party_protocol::SessionId;
use party_protocol::party::PartyPhase;
use party_protocol::party_access::PartyAccess;
use party_protocol::party_history::{LeaderboardBoard, LeaderboardPeriod, LeaderboardQuery};
use party_server::cli_docs::DocsCommand;
use party_tui::api::ApiClient;
use party_tui::core::{ApiCall, Screen};
use party_tui::embedded::EmbeddedServer;
use party_tui::headless::{self, Exit, Player, Strategy, emit};
use party_tui::headless_history;
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

#[derive(Debug, Subcommand)]
enum HeadlessCommand {
    /// Play as a new guest (the sign-in is saved in --data-dir).
    Guest,
    /// Register a new account.
    Signup {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
    },
    /// Sign in to an existing account.
    Login {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
    },
    /// Create a party (prints its code).
    Create {
        #[arg(long)]
        min_players: Option<i64>,
        #[arg(long)]
        max_players: Option<i64>,
        #[arg(long)]
        prompts: Option<i64>,
        #[arg(long)]
        votes: Option<i64>,
        #[arg(long)]
        phase_seconds: Option<i64>,
        /// Protect the party with this password.
        #[arg(long, conflicts_with = "invite_only")]
        password: Option<String>,
        /// Only invited players and your friends may join.
        #[arg(long)]
        invite_only: bool,
        /// Server-side bots to add.
        #[arg(long, default_value_t = 0)]
        bots: i64,
    },
    /// Join a party by code (an invite needs no password).
    Join {
        code: String,
        /// The party's password, for a password party.
        #[arg(long)]
        password: Option<String>,
    },
    /// List friends with presence and pending requests; --add sends a
    /// request, --accept accepts one first.
    Friends {
        #[arg(long)]
        add: Option<String>,
        #[arg(long)]
        accept: Option<String>,
    },
    /// Invite a player by username to your lobby (host).
    Invite { username: String },
    /// Mark ready in the lobby.
    Ready,
    /// Start the party (host).
    Start,
    /// Print the party status.
    Status,
    /// Play your rounds until the party reaches RESULTS (or --until PHASE).
    Play {
        /// Comma-separated phrases to use first; then generated ones.
        #[arg(long, value_delimiter = ',')]
        phrases: Vec<String>,
        /// Stop when the party reaches this phase.
        #[arg(long, default_value = "RESULTS")]
        until: String,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Wait until the party reaches a phase.
    Wait {
        #[arg(long)]
        phase: String,
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Print the party's results.
    Results,
    /// Leave the party.
    Leave,
    /// Print your past parties, newest first; --party ID prints one past
    /// party's full results and reveal.
    History {
        /// Parties per page, 1–50 (default 20).
        #[arg(long)]
        limit: Option<u32>,
        /// The previous page's `next_before`: the page after it.
        #[arg(long, conflicts_with = "party")]
        before: Option<SessionId>,
        /// A past party's id (from the history): its full results.
        #[arg(long)]
        party: Option<SessionId>,
    },
    /// Print your party stats.
    Stats,
    /// Print a party leaderboard and your place on it.
    Leaderboard {
        /// `wins`, `net_coins` or `vote_accuracy`.
        #[arg(long, default_value = "wins", value_parser = headless_history::parse_board)]
        board: LeaderboardBoard,
        /// `weekly` (since Monday 00:00 UTC) or `all_time`.
        #[arg(long, default_value = "all_time", value_parser = headless_history::parse_period)]
        period: LeaderboardPeriod,
        /// Rows, 1–100 (default 10).
        #[arg(long)]
        limit: Option<u32>,
    },
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

fn exit_of(result: Result<(), Exit>) -> Exit {
    result.err().unwrap_or(Exit::Ok)
}

async fn run_headless(server: &str, trust: Trust, data_dir: PathBuf, cmd: HeadlessCommand) -> Exit {
    let api = ApiClient::with_trust(server, trust);
    if let Err(exit) = headless::check_protocol(&api).await {
        return exit;
    }
    let mut p = Player::new(api, Some(data_dir));
    exit_of(headless_step(&mut p, cmd).await)
}

async fn signed_in(p: &mut Player, call: ApiCall) -> Result<(), Exit> {
    p.call(call).await.map_err(|e| headless::fail(&e))?;
    p.run_until(None, Duration::from_secs(10), |a| a.dashboard.is_some())
        .await?;
    // Let the saved-credentials task finish before the process exits.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (id, name) = p.app.me.clone().ok_or(Exit::NoSession)?;
    emit(
        &json!({"event": "signed_in", "player_id": id, "username": name, "wallet": p.app.wallet()}),
    );
    Ok(())
}

async fn headless_step(p: &mut Player, cmd: HeadlessCommand) -> Result<(), Exit> {
    match cmd {
        HeadlessCommand::Guest => return signed_in(p, ApiCall::Guest).await,
        HeadlessCommand::Signup { username, password } => {
            return signed_in(p, ApiCall::Register { username, password }).await;
        }
        HeadlessCommand::Login { username, password } => {
            return signed_in(p, ApiCall::Login { username, password }).await;
        }
        _ => {}
    }
    headless::resume(p).await?;
    if let HeadlessCommand::Friends { add, accept } = &cmd {
        return headless::friends(p, add.as_deref(), accept.as_deref()).await;
    }
    match cmd {
        HeadlessCommand::History {
            limit,
            before,
            party,
        } => return headless_history::history(p, limit, before, party).await,
        HeadlessCommand::Stats => return headless_history::stats(p).await,
        HeadlessCommand::Leaderboard {
            board,
            period,
            limit,
        } => {
            let query = LeaderboardQuery {
                board,
                period,
                limit,
            };
            return headless_history::leaderboard(p, query).await;
        }
        _ => {}
    }
    // Every command below is a party command.
    headless::require_party_mode(p)?;
    match cmd {
        HeadlessCommand::Create {
            min_players,
            max_players,
            prompts,
            votes,
            phase_seconds,
            password,
            invite_only,
            bots,
        } => {
            let password = password
                .as_deref()
                .map(headless::password_arg)
                .transpose()?;
            let access = invite_only.then_some(PartyAccess::InviteOnly);
            let req = headless::create_request(
                min_players,
                max_players,
                prompts,
                votes,
                phase_seconds,
                access,
                password,
            );
            p.call(ApiCall::CreateParty(req))
                .await
                .map_err(|e| headless::fail(&e))?;
            let session = headless::opened_party(p).await?;
            if bots > 0 {
                p.call(ApiCall::AddBots(session, bots))
                    .await
                    .map_err(|e| headless::fail(&e))?;
            }
            let code = p.app.party.as_ref().map(|s| s.party_code.clone());
            emit(
                &json!({"event": "party_created", "session_id": session, "party_code": code, "bots": bots}),
            );
        }
        HeadlessCommand::Join { code, password } => {
            let code = code.to_ascii_uppercase();
            let call = match password
                .as_deref()
                .map(headless::password_arg)
                .transpose()?
            {
                Some(password) => ApiCall::JoinWithPassword(code, password),
                None => ApiCall::JoinParty(code),
            };
            p.call(call).await.map_err(|e| headless::fail(&e))?;
            let session = headless::opened_party(p).await?;
            let code = p.app.party.as_ref().map(|s| s.party_code.clone());
            emit(&json!({"event": "joined", "session_id": session, "party_code": code}));
        }
        HeadlessCommand::Ready => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Ready(session, true))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "ready", "session_id": session}));
        }
        HeadlessCommand::Start => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Start(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "started", "session_id": session}));
        }
        HeadlessCommand::Status => {
            headless::party(p).await?;
            emit(&json!({"event": "status", "status": p.app.party}));
        }
        HeadlessCommand::Play {
            phrases,
            until,
            timeout,
        } => {
            let target = headless::parse_phase(&until).unwrap_or(PartyPhase::Results);
            headless::party(p).await?;
            let mut strategy = if phrases.is_empty() {
                Strategy::Bot
            } else {
                Strategy::Phrases(phrases)
            };
            p.run_until(Some(&mut strategy), Duration::from_secs(timeout), |a| {
                a.phase().is_some_and(|ph| ph >= target)
                    && (target != PartyPhase::Results || a.results.is_some())
            })
            .await?;
            emit(&json!({"event": "done", "phase": p.app.phase(), "seq": p.app.seq}));
        }
        HeadlessCommand::Wait { phase, timeout } => {
            let Some(target) = headless::parse_phase(&phase) else {
                emit(
                    &json!({"event": "error", "error": "invalid_request", "message": "unknown phase"}),
                );
                return Err(Exit::Refused);
            };
            headless::party(p).await?;
            p.run_until(None, Duration::from_secs(timeout), |a| {
                a.phase().is_some_and(|ph| ph >= target)
            })
            .await?;
            emit(&json!({"event": "phase", "phase": p.app.phase(), "seq": p.app.seq}));
        }
        HeadlessCommand::Results => {
            let session = headless::party_or_last(p).await?;
            p.call(ApiCall::Results(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "results", "results": p.app.results}));
        }
        HeadlessCommand::Leave => {
            let session = headless::party(p).await?;
            p.call(ApiCall::Leave(session))
                .await
                .map_err(|e| headless::fail(&e))?;
            emit(&json!({"event": "left", "session_id": session}));
        }
        HeadlessCommand::Invite { username } => headless::invite(p, &username).await?,
        HeadlessCommand::Guest
        | HeadlessCommand::Signup { .. }
        | HeadlessCommand::Login { .. }
        | HeadlessCommand::Friends { .. }
        | HeadlessCommand::History { .. }
        | HeadlessCommand::Stats
        | HeadlessCommand::Leaderboard { .. } => {}
    }
    Ok(())
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

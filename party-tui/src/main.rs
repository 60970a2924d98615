//! `party-tui`: play Quipflip Party in the terminal.
//!
//! With no `--server`, a local server starts in this process on SQLite in
//! the data directory, so one person can play against bots at once, or
//! share the party code with friends on the same network (`--lan`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use party_tui::api::ApiClient;
use party_tui::embedded::EmbeddedServer;
use party_tui::runtime;

/// Play Quipflip Party in the terminal.
#[derive(Debug, Parser)]
#[command(name = "party-tui", version, about)]
struct Cli {
    /// Join a remote server (e.g. `http://192.168.1.20:8000`) instead of starting a local one.
    #[arg(long, env = "PARTY_SERVER")]
    server: Option<String>,

    /// Local server: listen on all interfaces so friends on the LAN can join
    /// (at the printed address).
    #[arg(long, conflicts_with = "server")]
    lan: bool,

    /// Local server: the address to listen on (default 127.0.0.1, any free port;
    /// with --lan 0.0.0.0:8000).
    #[arg(long, env = "PARTY_TUI_BIND", conflicts_with = "server")]
    bind: Option<SocketAddr>,

    /// Where the local database, saved sign-in and logs live.
    #[arg(long, env = "PARTY_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(party_server::config::default_data_dir);
    if let Err(err) = std::fs::create_dir_all(&data_dir) {
        eprintln!("party-tui: cannot create {}: {err}", data_dir.display());
        return std::process::ExitCode::FAILURE;
    }
    // Logs go to a file: the terminal belongs to the game.
    if let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("party-tui.log"))
    {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("PARTY_TUI_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
            )
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("party-tui: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(play(cli, data_dir)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            runtime::restore();
            eprintln!("party-tui: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn play(cli: Cli, data_dir: PathBuf) -> anyhow::Result<()> {
    if let Some(server) = cli.server {
        let api = ApiClient::new(&server);
        runtime::run_interactive(api, Some(data_dir), server).await
    } else {
        {
            let bind = cli.bind.unwrap_or_else(|| {
                if cli.lan {
                    SocketAddr::from(([0, 0, 0, 0], 8000))
                } else {
                    SocketAddr::from(([127, 0, 0, 1], 0))
                }
            });
            let server = EmbeddedServer::start(bind, &data_dir.join("local")).await?;
            let url = server.url();
            let label = if cli.lan {
                format!("local server on port {} (LAN)", server.addr.port())
            } else {
                format!("local server {url}")
            };
            let result =
                runtime::run_interactive(ApiClient::new(&url), Some(data_dir), label).await;
            server.shutdown().await;
            result
        }
    }
}

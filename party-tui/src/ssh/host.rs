//! The `party-tui host` command: the game server (embedded, or the one
//! named by `--server`), the SSH listener in front of it, the lines to
//! share with friends, and the host's own game in this terminal (unless
//! `--serve-only`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::SshHost;
use super::limits::Limits;
use crate::api::ApiClient;
use crate::embedded::EmbeddedServer;
use crate::runtime;
use crate::share;
use crate::tls::Trust;

/// `party-tui host`: the SSH listener and its limits.
#[derive(Debug, clap::Args)]
pub struct HostArgs {
    /// Where SSH players connect (port 0: any free port, printed).
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "0.0.0.0:2222",
        env = "PARTY_SSH"
    )]
    pub ssh: SocketAddr,
    /// Games served at once; one more is refused with a message.
    #[arg(long, default_value_t = Limits::default().max_sessions)]
    pub ssh_max_sessions: usize,
    /// New SSH connections one IP address may open per minute.
    #[arg(long, default_value_t = Limits::default().per_ip_per_minute)]
    pub ssh_per_ip_per_minute: usize,
    /// Seconds without a key press after which a game is closed.
    #[arg(long, default_value_t = Limits::default().idle_timeout.as_secs())]
    pub ssh_idle_timeout: u64,
    /// Bytes of input read from one SSH packet (the rest is dropped).
    #[arg(long, default_value_t = Limits::default().max_input)]
    pub ssh_max_input: usize,
    /// Only serve: no game in this terminal, Ctrl-C stops the host (for a
    /// machine without a player at it, scripts and benchmarks).
    #[arg(long)]
    pub serve_only: bool,
}

/// The embedded server's address, as for the default command: `--bind`,
/// else all interfaces on 8000 with `--lan`, else loopback on a free port.
fn local_bind(lan: bool, bind: Option<SocketAddr>) -> SocketAddr {
    bind.unwrap_or_else(|| {
        if lan {
            SocketAddr::from(([0, 0, 0, 0], 8000))
        } else {
            SocketAddr::from(([127, 0, 0, 1], 0))
        }
    })
}

/// Serves the client over SSH and plays it in this terminal, printing what
/// to share first; the host stops when its own game is quit (with
/// `--serve-only`: on Ctrl-C).
pub async fn run(
    args: HostArgs,
    server: Option<String>,
    ca_cert: Option<&Path>,
    lan: bool,
    bind: Option<SocketAddr>,
    data_dir: PathBuf,
) -> anyhow::Result<()> {
    let limits = Limits {
        max_sessions: args.ssh_max_sessions,
        per_ip_per_minute: args.ssh_per_ip_per_minute,
        idle_timeout: Duration::from_secs(args.ssh_idle_timeout.max(1)),
        max_input: args.ssh_max_input.max(16),
    };
    let remote = server.is_some();
    let (url, local) = if let Some(server) = server {
        (server, None)
    } else {
        let local = EmbeddedServer::start(local_bind(lan, bind), &data_dir.join("local")).await?;
        (local.url(), Some(local))
    };
    let label = format!("{url} over SSH");
    // The embedded server's port changes between runs; its accounts live
    // in the data directory, so its key bindings are kept as "local".
    let server_id = if local.is_some() {
        "local".to_owned()
    } else {
        url.clone()
    };
    // Every game checks the server's certificate as the host does here.
    let trust = Trust::new(&url, ca_cert).map_err(|e| anyhow::anyhow!(e))?;
    if remote {
        ApiClient::with_trust(&url, trust.clone())
            .check_protocol()
            .await?;
    }
    let mut ssh = SshHost::bind(
        args.ssh,
        &data_dir,
        url.clone(),
        trust.clone(),
        server_id,
        label,
        limits,
    )
    .await?;
    let ssh_addr = ssh.local_addr()?;
    // Friends reach the game server directly only when it listens beyond
    // loopback (or is a server of its own).
    let http = match &local {
        Some(l) if !l.addr.ip().is_loopback() => Some(l.addr),
        _ => None,
    };
    let mut lines = share::lines(http, Some(ssh_addr), None, &share::machine_addresses());
    if remote {
        lines.insert(0, format!("With the client: party-tui --server {url}"));
    }
    ssh.set_share(lines.clone());
    println!("Serving Quipflip Party over SSH on {ssh_addr} (game server {url}).");
    println!("Share with friends:");
    for line in &lines {
        println!("  {line}");
    }
    println!("  then the party code from the lobby of whoever creates the party.");
    let result = if args.serve_only {
        println!("Ctrl-C stops the host.");
        ssh.run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    } else {
        // The host's own game, against the same server, in this terminal;
        // quitting it stops the SSH games too.
        let api = if remote {
            ApiClient::with_trust(&url, trust)
        } else {
            ApiClient::new(&url)
        };
        let label = format!("{url} · hosting over SSH on port {}", ssh_addr.port());
        let (quit, quitted) = tokio::sync::oneshot::channel::<()>();
        let play = async {
            let played = runtime::run_interactive(api, Some(data_dir), label, lines).await;
            let _ = quit.send(());
            played
        };
        let serve = ssh.run(async {
            let _ = quitted.await;
        });
        let (game, listener) = tokio::join!(play, serve);
        game.and(listener)
    };
    if let Some(local) = local {
        local.shutdown().await;
    }
    result
}

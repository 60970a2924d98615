//! The `party-tui host` command: the game server (embedded, or the one
//! named by `--server`) and the SSH listener in front of it, and the lines
//! to share with friends.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::SshHost;
use super::limits::Limits;
use crate::api::ApiClient;
use crate::embedded::EmbeddedServer;
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

/// Serves the client over SSH until Ctrl-C, printing what to share first.
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
    let (url, local) = if let Some(server) = server {
        let trust = Trust::new(&server, ca_cert).map_err(|e| anyhow::anyhow!(e))?;
        ApiClient::with_trust(&server, trust)
            .check_protocol()
            .await?;
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
    // Every game checks the server's certificate like the host did.
    let trust = Trust::new(&url, ca_cert).map_err(|e| anyhow::anyhow!(e))?;
    let ssh = SshHost::bind(
        args.ssh,
        &data_dir,
        url.clone(),
        trust,
        server_id,
        label,
        limits,
    )
    .await?;
    let ssh_addr = ssh.local_addr()?;
    // Friends reach the game server directly only when it listens beyond
    // loopback.
    let http = match &local {
        Some(l) if !l.addr.ip().is_loopback() => Some(l.addr),
        _ => None,
    };
    println!("Serving Quipflip Party over SSH on {ssh_addr} (game server {url}).");
    println!("Share with friends:");
    for line in share::lines(http, Some(ssh_addr), None, &share::machine_addresses()) {
        println!("  {line}");
    }
    if local.is_none() {
        println!("  With the client: party-tui --server {url}");
    }
    println!("  then the party code from the lobby of whoever creates the party.");
    println!("Ctrl-C stops the host.");
    let result = ssh
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    if let Some(local) = local {
        local.shutdown().await;
    }
    result
}

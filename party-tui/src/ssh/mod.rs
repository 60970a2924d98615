//! `party-tui host --ssh ADDR`: the terminal client served over SSH.
//!
//! Each SSH connection gets the same client a local player runs — screens,
//! keys, colors, reconnects — drawn into its channel (see [`session`]).
//! What is served is the game alone: a shell request starts it; exec,
//! subsystems, X11, agent and port forwarding are refused. A player's SSH
//! key is their identity ([`identity`]); a player without one (keyboard-
//! interactive or no key) plays as a guest who is not remembered.

pub mod host;
pub mod identity;
pub mod input;
pub mod limits;
pub mod session;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use russh::server::{Auth, Config, Handler, Msg, Server, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, MethodKind, MethodSet};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::credentials::TokenStore;
use crate::runtime::Input;
use crate::ui::Theme;
use identity::{Fingerprint, Identities};
use input::KeyParser;
use limits::{ConnectionRate, Limits, Slot, Slots};

use crate::tls::Trust;

/// Keys waiting for the client to read them; more are dropped (a paste or
/// a flood of bytes cannot grow memory).
const INPUT_QUEUE: usize = 128;

/// How long a stopping host waits for its games to say goodbye and their
/// players' clients to close the connections, before it drops what is left
/// (a connection still signing in, say).
const GOODBYE: Duration = Duration::from_secs(3);

/// What every connection of one host shares.
#[derive(Debug)]
struct Shared {
    server: String,
    /// Whom the games trust for an `https://` server (`--ca-cert`).
    trust: Trust,
    /// The name key bindings are kept under (see `Identities::for_key`).
    server_id: String,
    label: String,
    /// What each game's lobby tells friends (`ssh -p …`, `--server …`).
    share: Vec<String>,
    identities: Arc<Identities>,
    limits: Limits,
    slots: Slots,
    rate: ConnectionRate,
    /// Connections open now (at any stage, with a game or not).
    connections: Arc<AtomicUsize>,
    /// Set when the host stops: every game ends with a goodbye.
    stop: watch::Sender<bool>,
}

/// The SSH side of the host command.
#[derive(Debug)]
pub struct SshHost {
    shared: Shared,
    config: Arc<Config>,
    listener: TcpListener,
}

impl SshHost {
    /// Binds `addr` with the host key from `data_dir` (made on first use);
    /// players' games talk to the game server at `server`, whose key
    /// bindings are kept under `server_id`.
    pub async fn bind(
        addr: SocketAddr,
        data_dir: &std::path::Path,
        server: String,
        trust: Trust,
        server_id: String,
        label: String,
        limits: Limits,
    ) -> anyhow::Result<Self> {
        let key = identity::host_key(data_dir)?;
        let config = Config {
            keys: vec![key],
            methods: MethodSet::from(&[MethodKind::PublicKey, MethodKind::KeyboardInteractive][..]),
            // OpenSSH opens with a "none" attempt to learn the methods:
            // answering it at once saves every player a second.
            auth_rejection_time_initial: Some(std::time::Duration::ZERO),
            // Our own idle timeout (keys, not packets) closes games with a
            // message; this one only reaps connections that never start one.
            inactivity_timeout: Some(limits.idle_timeout + std::time::Duration::from_secs(60)),
            nodelay: true,
            ..Config::default()
        };
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for SSH on {addr}: {e}"))?;
        Ok(SshHost {
            shared: Shared {
                server,
                trust,
                server_id,
                label,
                share: Vec::new(),
                identities: Identities::open(data_dir),
                slots: Slots::new(limits.max_sessions),
                rate: ConnectionRate::new(limits.per_ip_per_minute),
                limits,
                connections: Arc::new(AtomicUsize::new(0)),
                stop: watch::Sender::new(false),
            },
            config: Arc::new(config),
            listener,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The lines each game's lobby shows to share the party (known once
    /// the listener's port is).
    pub fn set_share(&mut self, lines: Vec<String>) {
        self.shared.share = lines;
    }

    /// Serves until `shutdown` completes; then every game says goodbye to
    /// its player (the alternate screen left, a last line, exit status 1)
    /// before the connections are dropped.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let shared = Arc::new(self.shared);
        let mut acceptor = Acceptor {
            shared: Arc::clone(&shared),
        };
        let running = acceptor.run_on_socket(Arc::clone(&self.config), &self.listener);
        let handle = running.handle();
        tokio::pin!(running);
        tokio::select! {
            result = &mut running => return result.map_err(|e| anyhow::anyhow!("SSH server: {e}")),
            () = shutdown => {}
        }
        shared.stop.send_replace(true);
        // The accept loop keeps running meanwhile, so the goodbyes go out
        // (russh's own shutdown drops connections without a word).
        let _ = tokio::time::timeout(GOODBYE, async {
            while shared.connections.load(Ordering::Acquire) > 0 {
                tokio::select! {
                    _ = &mut running => break,
                    () = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        })
        .await;
        handle.shutdown("the host stopped".to_owned());
        Ok(())
    }
}

struct Acceptor {
    shared: Arc<Shared>,
}

impl Server for Acceptor {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        let refusal = match peer {
            Some(peer) if !self.shared.rate.allow(peer.ip(), Instant::now()) => Some(format!(
                "too many new connections from {} (limit {} a minute); try again in a minute.",
                peer.ip(),
                self.shared.limits.per_ip_per_minute
            )),
            _ => None,
        };
        self.shared.connections.fetch_add(1, Ordering::AcqRel);
        Connection {
            shared: Arc::clone(&self.shared),
            refusal,
            key: None,
            channel: None,
            size: (80, 24),
            theme: Theme { color: true },
            input: None,
            parser: KeyParser::new(),
        }
    }
}

/// One SSH connection: at most one game.
struct Connection {
    shared: Arc<Shared>,
    /// Set when a limit turned this connection away: shown, then closed.
    refusal: Option<String>,
    key: Option<Fingerprint>,
    channel: Option<ChannelId>,
    size: (u16, u16),
    theme: Theme,
    input: Option<mpsc::Sender<Input>>,
    parser: KeyParser,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.shared.connections.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Connection {
    fn ours(&self, channel: ChannelId) -> bool {
        self.channel == Some(channel)
    }

    fn send(&self, input: Input) {
        if let Some(tx) = &self.input {
            // A full queue drops the input: the player is typing faster
            // than the client reads, or it is not a person.
            let _ = tx.try_send(input);
        }
    }

    fn start(&mut self, channel: ChannelId, slot: Slot, session: &Session) {
        let tokens = self.key.clone().map(|key| {
            Arc::new(self.shared.identities.for_key(&self.shared.server_id, key))
                as Arc<dyn TokenStore>
        });
        let visit = session::Visit {
            server: self.shared.server.clone(),
            trust: self.shared.trust.clone(),
            label: self.shared.label.clone(),
            tokens,
            theme: self.theme,
            size: self.size,
            idle_timeout: self.shared.limits.idle_timeout,
            share: self.shared.share.clone(),
            stop: self.shared.stop.subscribe(),
        };
        let (tx, rx) = mpsc::channel(INPUT_QUEUE);
        self.input = Some(tx);
        let handle = session.handle();
        tokio::spawn(async move {
            session::play(visit, rx, handle, channel).await;
            drop(slot);
        });
    }
}

/// Answers a refused request on `channel` with `reason` and closes it.
fn refuse_now(session: &mut Session, channel: ChannelId, reason: &str) -> Result<(), russh::Error> {
    session.extended_data(channel, 1, format!("party-tui: {reason}\r\n").into_bytes())?;
    session.exit_status_request(channel, 1)?;
    session.eof(channel)?;
    session.close(channel)
}

fn cells(n: u32) -> u16 {
    // A terminal reports its size; keep it to what a screen can be.
    n.clamp(1, 1000) as u16
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        // Refused so that clients go on to offer their keys.
        Ok(Auth::reject())
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        // Called once the client has proved it holds the private key.
        self.key = Some(Fingerprint::of(key.public_key));
        Ok(Auth::Accept)
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        // No key: a guest, with nothing to type.
        self.key = None;
        Ok(Auth::Accept)
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One game per connection; a second channel is refused by dropping
        // the reply.
        if self.channel.is_none() {
            self.channel = Some(channel.id());
            reply.accept().await;
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.size = (cells(col_width), cells(row_height));
        session.channel_success(channel)
    }

    async fn env_request(
        &mut self,
        _channel: ChannelId,
        name: &str,
        value: &str,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The player's NO_COLOR, where their ssh sends it (SendEnv).
        if name == "NO_COLOR" && !value.is_empty() {
            self.theme = Theme { color: false };
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) || self.input.is_some() {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        let handle = session.handle();
        if let Some(reason) = self.refusal.clone() {
            tokio::spawn(async move { session::refuse(handle, channel, &reason).await });
            return Ok(());
        }
        if *self.shared.stop.borrow() {
            let reason = "the host is stopping; no new games.".to_owned();
            tokio::spawn(async move { session::refuse(handle, channel, &reason).await });
            return Ok(());
        }
        let Some(slot) = self.shared.slots.try_take() else {
            let reason = format!(
                "the game is full ({} games at once is the limit); try again later.",
                self.shared.limits.max_sessions
            );
            tokio::spawn(async move { session::refuse(handle, channel, &reason).await });
            return Ok(());
        };
        self.start(channel, slot, session);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The command is not run: the request is answered with a one-line
        // reason on stderr and exit status 1, which the client shows (a
        // bare failure would only say "exec request failed").
        session.channel_success(channel)?;
        refuse_now(
            session,
            channel,
            "only the game is served here: connect without a command.",
        )
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        refuse_now(
            session,
            channel,
            "only the game is served here: no subsystems.",
        )
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.ours(channel) || self.input.is_none() {
            return Ok(());
        }
        let data = &data[..data.len().min(self.shared.limits.max_input)];
        for key in self.parser.feed(data) {
            self.send(Input::Key(key));
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            self.size = (cells(col_width), cells(row_height));
            self.send(Input::Resize {
                cols: self.size.0,
                rows: self.size.1,
            });
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            // The game ends when its input does.
            self.input = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.ours(channel) {
            self.input = None;
        }
        Ok(())
    }
}

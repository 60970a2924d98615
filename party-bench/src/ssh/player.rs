//! One simulated SSH player: a russh client that opens a game on the host
//! the way `ssh -p PORT HOST` does (no key: a guest), asks for a terminal
//! of a given size, reads everything the host draws, and — once the run
//! turns active — signs in as a guest and walks the dashboard's dialogs,
//! one key per interval, so the host redraws.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use russh::ChannelMsg;
use russh::client::{self, Handle, KeyboardInteractiveAuthResponse};
use russh::keys::PublicKeyOrCertificate;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What the whole run is doing; every player follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connected, typing nothing.
    Idle,
    /// Signing in, then a key every interval.
    Active,
    /// Closing the connection.
    Close,
}

/// Counters shared by every player.
#[derive(Debug, Default)]
pub struct Counters {
    /// Bytes the host drew (channel data), in total.
    pub bytes: AtomicU64,
    /// Keys sent.
    pub keys: AtomicU64,
    /// Players whose guest sign-in reached the dashboard.
    pub signed_in: AtomicU64,
    /// Games that ended before the run closed them.
    pub closed_early: AtomicU64,
}

/// How a player's game opened: the time to the first drawn sign-in
/// screen, or why not.
pub type Opened = Result<Duration, String>;

/// What each player is told.
#[derive(Debug, Clone)]
pub struct Orders {
    pub addr: SocketAddr,
    pub size: (u16, u16),
    /// Between two keys of one player while active.
    pub interval: Duration,
    /// This player's first key comes this long into the active phase (the
    /// players' keys are spread over one interval).
    pub offset: Duration,
}

/// The dashboard walk, repeated: open the create dialog, change a value,
/// back; open the join dialog, type, erase, back; the help, twice; a
/// refresh. Every key changes the screen.
const WALK: &[&[u8]] = &[
    b"c", b"\x1b[B", b"\x1b[C", b"\x1b", b"j", b"A", b"B", b"\x7f", b"\x7f", b"\x1b", b"?", b"?",
    b"g",
];

/// How long opening a game (connect, key exchange, sign-in screen) may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);

/// Text the host draws in one run of cells (no blank inside, so the
/// terminal's diffing cannot split it): the sign-in form, and the wallet
/// in the header, which comes with the dashboard (the guest's name shows
/// earlier, while the sign-in screen is still up).
const SIGN_IN_FORM: &[u8] = b"Username:";
const DASHBOARD: &[u8] = b"vault";

struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        // 127.0.0.1 only, a host made for the run: its key is not checked.
        Ok(true)
    }
}

/// Finds `needle` in what arrived, across chunk borders.
#[derive(Debug, Default)]
struct Watch {
    tail: Vec<u8>,
}

impl Watch {
    fn seen(&mut self, chunk: &[u8], needle: &[u8]) -> bool {
        self.tail.extend_from_slice(chunk);
        let found = self.tail.windows(needle.len()).any(|w| w == needle);
        let keep = self.tail.len().saturating_sub(needle.len());
        self.tail.drain(..keep);
        found
    }
}

async fn connect(orders: &Orders) -> Result<(Handle<Client>, russh::Channel<client::Msg>), String> {
    let config = Arc::new(client::Config {
        nodelay: true,
        ..client::Config::default()
    });
    let mut handle = client::connect(config, orders.addr, Client)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // No key: the host's keyboard-interactive sign-in, a guest.
    let mut reply = handle
        .authenticate_keyboard_interactive_start("bench", None)
        .await
        .map_err(|e| format!("auth: {e}"))?;
    for _ in 0..3 {
        match reply {
            KeyboardInteractiveAuthResponse::Success => break,
            KeyboardInteractiveAuthResponse::Failure { .. } => return Err("auth: refused".into()),
            KeyboardInteractiveAuthResponse::InfoRequest { prompts, .. } => {
                let answers = vec![String::new(); prompts.len()];
                reply = handle
                    .authenticate_keyboard_interactive_respond(answers)
                    .await
                    .map_err(|e| format!("auth: {e}"))?;
            }
        }
    }
    let channel = handle
        .channel_open_session()
        .await
        .map_err(|e| format!("channel: {e}"))?;
    let (cols, rows) = orders.size;
    channel
        .request_pty(false, "xterm-256color", cols.into(), rows.into(), 0, 0, &[])
        .await
        .map_err(|e| format!("pty: {e}"))?;
    channel
        .request_shell(false)
        .await
        .map_err(|e| format!("shell: {e}"))?;
    Ok((handle, channel))
}

/// Reads until the sign-in form is drawn; a game refused by a limit says
/// why (`party-tui: …`) and closes.
async fn first_screen(
    channel: &mut russh::Channel<client::Msg>,
    counters: &Counters,
) -> Result<(), String> {
    let mut watch = Watch::default();
    let mut said = Vec::new();
    while let Some(msg) = channel.wait().await {
        if let ChannelMsg::Data { data } = msg {
            counters
                .bytes
                .fetch_add(data.len() as u64, Ordering::Relaxed);
            if said.len() < 200 {
                said.extend_from_slice(&data[..data.len().min(200)]);
            }
            if watch.seen(&data, SIGN_IN_FORM) {
                return Ok(());
            }
        } else if matches!(msg, ChannelMsg::Eof | ChannelMsg::Close) {
            break;
        }
    }
    let said = String::from_utf8_lossy(&said);
    Err(format!("closed before the sign-in screen: {}", said.trim()))
}

/// One player from connecting to the end of the run. Reports how its game
/// opened on `opened`, then follows `phase`.
pub async fn play(
    orders: Orders,
    counters: Arc<Counters>,
    mut phase: watch::Receiver<Phase>,
    opened: mpsc::UnboundedSender<Opened>,
) {
    let start = Instant::now();
    let result = tokio::time::timeout(OPEN_TIMEOUT, async {
        let (handle, mut channel) = connect(&orders).await?;
        first_screen(&mut channel, &counters).await?;
        Ok((handle, channel))
    })
    .await
    .unwrap_or_else(|_| Err("timed out opening the game".to_owned()));
    let (handle, mut channel) = match result {
        Ok(open) => {
            let _ = opened.send(Ok(start.elapsed()));
            open
        }
        Err(err) => {
            let _ = opened.send(Err(err));
            return;
        }
    };
    let mut watch = Watch::default();
    // A guest whose name never shows in the header (a refused sign-in)
    // sends nothing more; the run counts the players signed in.
    let mut signing_in = false;
    let mut signed_in = false;
    let mut step = 0usize;
    let mut next_key = Instant::now();
    loop {
        let now = *phase.borrow_and_update();
        if now == Phase::Close {
            break;
        }
        tokio::select! {
            msg = channel.wait() => match msg {
                Some(ChannelMsg::Data { data }) => {
                    counters.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                    if signing_in && !signed_in && watch.seen(&data, DASHBOARD) {
                        signed_in = true;
                        counters.signed_in.fetch_add(1, Ordering::Relaxed);
                        next_key = Instant::now() + orders.offset;
                    }
                }
                Some(ChannelMsg::Eof | ChannelMsg::Close) | None => {
                    counters.closed_early.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Some(_) => {}
            },
            changed = phase.changed() => {
                if changed.is_err() {
                    break;
                }
                if *phase.borrow() == Phase::Active && !signing_in {
                    // Enter on the empty form: a guest.
                    signing_in = true;
                    if channel.data(&b"\r"[..]).await.is_err() {
                        break;
                    }
                    counters.keys.fetch_add(1, Ordering::Relaxed);
                }
            }
            () = tokio::time::sleep_until(next_key), if signed_in && now == Phase::Active => {
                let key = WALK[step % WALK.len()];
                step += 1;
                if channel.data(key).await.is_err() {
                    break;
                }
                counters.keys.fetch_add(1, Ordering::Relaxed);
                next_key += orders.interval;
            }
        }
    }
    let _ = channel.eof().await;
    let _ = channel.close().await;
    let _ = handle
        .disconnect(russh::Disconnect::ByApplication, "bench done", "en")
        .await;
}

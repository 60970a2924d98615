//! One player's game over an SSH channel: the client's own event loop
//! (`runtime::drive`) on a terminal whose output goes to the channel and
//! whose input is the channel's data, parsed into keys.

use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use futures::Stream;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::{mpsc, watch};

use crate::api::ApiClient;
use crate::credentials::TokenStore;
use crate::runtime::{self, Input};
use crate::tls::Trust;
use crate::ui::Theme;

/// Frames waiting to go out; a client that stops reading past this many is
/// dropped rather than buffered without end.
const OUTPUT_QUEUE: usize = 256;

/// The terminal's bytes for one channel: collected per frame, sent on flush.
#[derive(Debug)]
pub struct ChannelWriter {
    buf: Vec<u8>,
    out: mpsc::Sender<Vec<u8>>,
}

/// The sending end of a channel's output, kept by the visit to say goodbye
/// after the terminal is gone and to wait until everything went out.
#[derive(Debug)]
pub struct Output {
    out: mpsc::Sender<Vec<u8>>,
    forward: tokio::task::JoinHandle<()>,
}

impl Output {
    /// A writer for the terminal and the output it feeds; a task forwards
    /// frames to `channel` in order.
    pub fn new(handle: Handle, channel: ChannelId) -> (ChannelWriter, Output) {
        let (out, mut frames) = mpsc::channel::<Vec<u8>>(OUTPUT_QUEUE);
        let forward = tokio::spawn(async move {
            while let Some(frame) = frames.recv().await {
                if handle.data(channel, frame).await.is_err() {
                    break;
                }
            }
        });
        let writer = ChannelWriter {
            buf: Vec::new(),
            out: out.clone(),
        };
        (writer, Output { out, forward })
    }

    /// Sends `bytes` after every frame written so far.
    pub async fn send(&self, bytes: Vec<u8>) {
        let _ = self.out.send(bytes).await;
    }

    /// Waits until every frame has gone to the channel (call after the
    /// terminal, and with it the writer, is dropped).
    pub async fn finish(self) {
        drop(self.out);
        let _ = self.forward.await;
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let frame = std::mem::take(&mut self.buf);
        self.out.try_send(frame).map_err(|err| match err {
            mpsc::error::TrySendError::Full(_) => io::Error::new(
                io::ErrorKind::WouldBlock,
                "the player's terminal stopped reading",
            ),
            mpsc::error::TrySendError::Closed(_) => {
                io::Error::new(io::ErrorKind::BrokenPipe, "the connection closed")
            }
        })
    }
}

/// What a visit needs besides its channel.
#[derive(Debug)]
pub struct Visit {
    pub server: String,
    pub trust: Trust,
    pub label: String,
    pub tokens: Option<Arc<dyn TokenStore>>,
    pub theme: Theme,
    pub size: (u16, u16),
    pub idle_timeout: Duration,
    /// What the lobby tells friends.
    pub share: Vec<String>,
    /// Becomes true when the host stops: the game ends with a goodbye.
    pub stop: watch::Receiver<bool>,
}

/// How a visit ended, for the player's last line.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Quit,
    Idle,
    /// The host quit its own client (or was stopped).
    HostStopped,
    Gone,
}

/// The keys as the client's event loop reads them; a wait longer than the
/// idle timeout ends the stream with `TimedOut`, the host stopping with
/// `ConnectionAborted`.
fn keys(
    rx: mpsc::Receiver<Input>,
    stop: watch::Receiver<bool>,
    idle: Duration,
) -> impl Stream<Item = io::Result<Input>> + Unpin {
    Box::pin(futures::stream::unfold(
        (rx, stop),
        move |(mut rx, mut stop)| async move {
            let stopped = async {
                // A dropped sender (the host gone) stops the game too.
                let _ = stop.wait_for(|stopped| *stopped).await;
            };
            let next = tokio::select! {
                next = tokio::time::timeout(idle, rx.recv()) => next,
                () = stopped => {
                    let err = io::Error::new(io::ErrorKind::ConnectionAborted, "host stopped");
                    return Some((Err(err), (rx, stop)));
                }
            };
            match next {
                Ok(Some(input)) => Some((Ok(input), (rx, stop))),
                Ok(None) => None,
                Err(_) => Some((
                    Err(io::Error::new(io::ErrorKind::TimedOut, "idle")),
                    (rx, stop),
                )),
            }
        },
    ))
}

/// Plays one visit to its end and says goodbye on the channel.
pub async fn play(visit: Visit, input: mpsc::Receiver<Input>, handle: Handle, channel: ChannelId) {
    let (mut writer, output) = Output::new(handle.clone(), channel);
    let (cols, rows) = visit.size;
    let _ = crossterm::execute!(writer, EnterAlternateScreen);
    let ending = match Terminal::with_options(
        CrosstermBackend::new(writer),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, cols, rows)),
        },
    ) {
        Ok(mut terminal) => {
            let session = runtime::Session {
                api: ApiClient::with_trust(&visit.server, visit.trust),
                tokens: visit.tokens,
                label: visit.label,
                theme: visit.theme,
                share: visit.share,
            };
            let input = keys(input, visit.stop, visit.idle_timeout);
            let result = runtime::drive(&mut terminal, input, session).await;
            let ending = match result {
                Ok(()) => Ending::Quit,
                Err(err) => match err.downcast_ref::<io::Error>().map(io::Error::kind) {
                    Some(io::ErrorKind::TimedOut) => Ending::Idle,
                    Some(io::ErrorKind::ConnectionAborted) => Ending::HostStopped,
                    _ => {
                        tracing::info!(error = %err, "ssh visit ended");
                        Ending::Gone
                    }
                },
            };
            // Dropping the terminal shows the cursor again.
            drop(terminal);
            let mut bye = Vec::new();
            let _ = crossterm::execute!(bye, LeaveAlternateScreen, crossterm::cursor::Show);
            if ending == Ending::Idle {
                let secs = visit.idle_timeout.as_secs();
                let idle = if secs < 60 {
                    format!("{secs} s")
                } else {
                    format!("{} min", secs.div_ceil(60))
                };
                let _ = write!(
                    bye,
                    "party-tui: closed after {idle} without a key press (the idle limit). Your seat is kept: connect again to play on.\r\n"
                );
            }
            if ending == Ending::HostStopped {
                bye.extend_from_slice(
                    b"party-tui: the host quit, so the games served from there have ended.\r\n",
                );
            }
            output.send(bye).await;
            ending
        }
        Err(err) => {
            tracing::warn!(error = %err, "ssh terminal");
            Ending::Gone
        }
    };
    output.finish().await;
    let status = u32::from(ending != Ending::Quit);
    let _ = handle.exit_status_request(channel, status).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}

/// Sends a one-line reason and closes the channel (a refused visit).
pub async fn refuse(handle: Handle, channel: ChannelId, reason: &str) {
    let _ = handle
        .data(channel, format!("party-tui: {reason}\r\n").into_bytes())
        .await;
    let _ = handle.exit_status_request(channel, 1).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
}

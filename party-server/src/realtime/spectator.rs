//! `GET /qf/party/{session_id}/spectate/ws?token=…[&since=SEQ]`: a
//! spectator's read-only socket (what the instance keeps for spectators
//! besides: [`super::spectators`]).
//!
//! Built to be cheap, since one party may have thousands of spectators:
//! the socket listens on the party's broadcast channel like a player's and
//! sends the very same frames (each event serialized once, one `Arc<str>`
//! for every socket); it writes nothing to the database while open (no
//! presence, no socket count: spectators are no members); its buffers are
//! a quarter of a player's; and the `session_update` a spectator opens with
//! is built once per party and second, not once per socket. Chat reaches
//! the spectators of every instance through the store (a PostgreSQL NOTIFY
//! carrying the message, or the commit hook with one process).

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use party_protocol::party_ws::{ClientMessage, ServerEvent, ServerMessage};
use party_protocol::spectate::SpectatorNotice;
use party_protocol::{ErrorCode, PROTOCOL_VERSION};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use super::hub::{Frame, Hub};
use super::socket::{
    DEAD_AFTER, MAX_LAGS, PING_EVERY, SEND_TIMEOUT, Sink, Stream, close, close_with,
};
use crate::error::Result;
use crate::service::{Game, SocketAdmission};

/// Spectators send nothing but pings: small buffers, small messages.
const READ_BUFFER: usize = 1024;
const MAX_MESSAGE: usize = 4 * 1024;
/// Bounds what one stalled spectator can make the server buffer.
const MAX_WRITE_BUFFER: usize = 64 * 1024;
/// Frames queued before they are written: a burst of events goes out in
/// one or two writes rather than one each.
const WRITE_BUFFER: usize = 4 * 1024;
/// Frames taken from the channel before one write, so one socket does not
/// keep its worker thread from the others for long.
const MAX_BURST: usize = 16;
/// What a spectator socket needs: the use cases and this instance's hub.
#[derive(Debug, Clone)]
pub struct SpectatorContext {
    pub game: Game,
    pub hub: Arc<Hub>,
}

/// Completes the upgrade of a spectator socket for `session`.
pub fn upgrade(
    upgrade: WebSocketUpgrade,
    context: SpectatorContext,
    session: Uuid,
    token: Option<String>,
    since: Option<i64>,
) -> Response {
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            if let Err(err) = serve(context, session, token, since, socket).await {
                tracing::debug!(error = %err, %session, "spectator socket ended with an error");
            }
        })
}

/// The next frame already waiting on the channel, if any.
fn waiting(
    frames: &mut broadcast::Receiver<Frame>,
) -> Option<std::result::Result<Frame, RecvError>> {
    match frames.try_recv() {
        Ok(frame) => Some(Ok(frame)),
        Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
        Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
        Err(TryRecvError::Empty) => None,
    }
}

/// How a spectator socket ends.
enum End {
    /// The peer went away, or the party's channel closed: no close frame.
    Quietly,
    /// Close with this code.
    Close(u16),
}

async fn serve(
    context: SpectatorContext,
    session: Uuid,
    token: Option<String>,
    since: Option<i64>,
    socket: WebSocket,
) -> Result<()> {
    let SpectatorContext { game, hub } = context;
    let (mut sink, mut stream) = socket.split();
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return close_with(&mut sink, close::MISSING_TOKEN).await;
    };
    let admission = {
        let worker = game.clone();
        game.on_writer(async move { worker.admit_spectator(session, &token).await })
            .await?
    };
    match admission {
        SocketAdmission::Member(_) => {}
        SocketAdmission::InvalidToken => {
            return close_with(&mut sink, close::INVALID_TOKEN).await;
        }
        SocketAdmission::NotParticipant => {
            return close_with(&mut sink, close::NOT_PARTICIPANT).await;
        }
    }
    // Subscribe before the snapshot: nothing committed in between is missed.
    let mut frames = hub.watch(session).await?;
    let Some(mut chat) = hub.spectators.subscribe_chat(session) else {
        return Ok(());
    };
    hub.spectators.socket_opened();
    let mut socket = Socket {
        game: &game,
        hub: &hub,
        session,
        sink: &mut sink,
        last: 0,
    };
    let end = match socket.run(since, &mut stream, &mut frames, &mut chat).await {
        Ok(()) => End::Quietly,
        Err(end) => end,
    };
    hub.spectators.socket_closed();
    drop((frames, chat));
    hub.release(session);
    hub.spectators.release(session);
    match end {
        End::Close(code) => close_with(&mut sink, code).await,
        End::Quietly => Ok(()),
    }
}

/// One open spectator socket.
struct Socket<'a> {
    game: &'a Game,
    hub: &'a Hub,
    session: Uuid,
    sink: &'a mut Sink,
    /// The last event sent.
    last: i64,
}

impl Socket<'_> {
    async fn send(&mut self, text: &str) -> std::result::Result<(), End> {
        self.feed(text).await?;
        self.flush().await
    }

    /// Queues a frame in the socket's write buffer; [`Socket::flush`]
    /// writes what is queued (at once when it outgrows the buffer).
    async fn feed(&mut self, text: &str) -> std::result::Result<(), End> {
        Self::sent(&timeout(SEND_TIMEOUT, self.sink.feed(Message::Text(text.into()))).await)?;
        metrics::counter!("ws_spectator_messages_sent_total").increment(1);
        Ok(())
    }

    async fn flush(&mut self) -> std::result::Result<(), End> {
        Self::sent(&timeout(SEND_TIMEOUT, self.sink.flush()).await)
    }

    fn sent<E>(
        outcome: &std::result::Result<std::result::Result<(), E>, tokio::time::error::Elapsed>,
    ) -> std::result::Result<(), End> {
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Quietly),
            Err(_) => Err(End::Close(close::TOO_SLOW)),
        }
    }

    /// A message that is not an event (its `seq` is the last event sent).
    async fn send_own(&mut self, event: ServerEvent) -> std::result::Result<(), End> {
        let message = ServerMessage {
            event,
            session_id: self.session.into(),
            seq: self.last,
            timestamp: self.game.now().to_datetime(),
        };
        self.send(&serde_json::to_string(&message).unwrap_or_default())
            .await
    }

    /// Sends the spectator snapshot (shared by the party's spectators for
    /// up to a second) and moves `last` to the seq it reflects.
    async fn snapshot(&mut self) -> std::result::Result<(), End> {
        let spectators = &self.hub.spectators;
        // A kept snapshot serves only while it is the party's latest state:
        // one a moment old would leave this socket behind by the events in
        // between until the party's next event came (seconds, in a lobby).
        let latest = self.hub.last_broadcast(self.session);
        let cached = spectators
            .cached_snapshot(self.session)
            .filter(|(seq, _)| Some(*seq) == latest);
        let (seq, text) = if let Some(cached) = cached {
            cached
        } else {
            let status = self
                .game
                .spectator_snapshot(self.session)
                .await
                .map_err(|_| End::Quietly)?;
            let seq = status.seq;
            let message = ServerMessage {
                event: ServerEvent::SessionUpdate(Box::new(status.into())),
                session_id: self.session.into(),
                seq,
                timestamp: self.game.now().to_datetime(),
            };
            let text: Arc<str> = serde_json::to_string(&message).unwrap_or_default().into();
            spectators.keep_snapshot(self.session, seq, text.clone());
            (seq, text)
        };
        self.send(&text).await?;
        self.last = seq;
        Ok(())
    }

    /// Sends the events after `last` and before `until` (a gap in the
    /// feed), or a snapshot when they are no longer kept.
    async fn fill(&mut self, until: i64) -> std::result::Result<(), End> {
        match self.hub.gap(self.session, self.last, until).await {
            Ok(Some(events)) => {
                // Fed: the burst they belong to is written at once.
                for (seq, text) in events {
                    self.feed(&text).await?;
                    self.last = seq;
                }
                Ok(())
            }
            _ => self.snapshot().await,
        }
    }

    async fn frame(&mut self, frame: &Frame) -> std::result::Result<(), End> {
        if frame.gone {
            return Err(End::Close(close::REMOVED));
        }
        if frame.seq <= self.last {
            return Ok(());
        }
        if frame.seq > self.last + 1 {
            self.fill(frame.seq).await?;
            if frame.seq <= self.last {
                return Ok(());
            }
        }
        // The players' own bytes: events are public to spectators as they
        // are (they never carry a phrase or a round). Fed, not flushed: the
        // caller writes a burst at once.
        self.feed(&frame.text).await?;
        self.last = frame.seq;
        Ok(())
    }

    async fn client_message(&mut self, text: &str) -> std::result::Result<(), End> {
        if matches!(
            serde_json::from_str::<ClientMessage>(text),
            Ok(ClientMessage::Ping)
        ) {
            return self.send_own(ServerEvent::Pong).await;
        }
        let refusal = SpectatorNotice::ReadOnly {
            session_id: self.session.into(),
            seq: self.last,
            error: ErrorCode::ReadOnlySocket,
            message: "A spectator socket only takes pings: spectators watch, they do not play."
                .into(),
            timestamp: self.game.now().to_datetime(),
        };
        self.send(&serde_json::to_string(&refusal).unwrap_or_default())
            .await
    }

    async fn run(
        &mut self,
        since: Option<i64>,
        stream: &mut Stream,
        frames: &mut broadcast::Receiver<Frame>,
        chat: &mut broadcast::Receiver<Arc<str>>,
    ) -> std::result::Result<(), End> {
        self.last = since.unwrap_or(0);
        self.send_own(ServerEvent::Hello {
            protocol_version: PROTOCOL_VERSION,
        })
        .await?;
        match since {
            Some(since) => match self.game.replay_events(self.session, since).await {
                Ok(Some(events)) => {
                    for (seq, text) in events {
                        self.feed(&text).await?;
                        self.last = seq;
                    }
                    self.flush().await?;
                }
                _ => self.snapshot().await?,
            },
            None => self.snapshot().await?,
        }
        let mut lags = 0;
        let mut keepalive = tokio::time::interval(PING_EVERY);
        keepalive.tick().await;
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                frame = frames.recv() => {
                    // Every frame already waiting goes out in one write: a
                    // phase end is a burst of events, and with thousands of
                    // spectators each write is what the fan-out costs.
                    let mut next = Some(frame);
                    let mut burst = 0;
                    while let Some(received) = next.take() {
                        match received {
                            Ok(frame) => self.frame(&frame).await?,
                            Err(RecvError::Lagged(_)) => {
                                lags += 1;
                                if lags > MAX_LAGS {
                                    return Err(End::Close(close::TOO_SLOW));
                                }
                                metrics::counter!("ws_resyncs_total").increment(1);
                                self.snapshot().await?;
                            }
                            Err(RecvError::Closed) => {
                                self.flush().await?;
                                return Ok(());
                            }
                        }
                        burst += 1;
                        if burst < MAX_BURST {
                            next = waiting(frames);
                        }
                    }
                    self.flush().await?;
                },
                said = chat.recv() => match said {
                    Ok(text) => self.send(&text).await?,
                    // Chat is not replayed: a spectator who fell behind skips on.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                },
                message = stream.next() => {
                    heard = Instant::now();
                    match message {
                        Some(Ok(Message::Text(text))) => self.client_message(text.as_str()).await?,
                        Some(Err(err)) if super::socket::too_big(&err) => {
                            return Err(End::Close(close::MESSAGE_TOO_BIG));
                        }
                        Some(Ok(Message::Close(_)) | Err(_)) | None => return Ok(()),
                        Some(Ok(_)) => {}
                    }
                },
                _ = keepalive.tick() => {
                    if heard.elapsed() > DEAD_AFTER {
                        return Ok(());
                    }
                    if timeout(SEND_TIMEOUT, self.sink.send(Message::Ping(Vec::new().into()))).await.is_err() {
                        return Err(End::Close(close::TOO_SLOW));
                    }
                }
            }
        }
    }
}

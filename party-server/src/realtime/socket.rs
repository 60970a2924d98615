//! `GET /qf/party/{session_id}/ws?token=…[&since=SEQ]`: one player's socket.
//!
//! The socket is authenticated with the 60-second ws-token, members only.
//! It first sends a `hello` with the protocol version, then a
//! `session_update` snapshot — or, with `since`, replays
//! the events after it while the log still holds them — then every new
//! event of the party in order. Frames come from the hub's bounded
//! broadcast; a socket that falls behind gets a fresh snapshot, and one
//! that stops reading is closed with 4008, so it never slows the others.
//! A player's sockets of one party are capped (the newest is closed with
//! 4009), and a client message over [`MAX_MESSAGE`] gets close 1009.
//!
//! The route itself lives with the other party routes (`http::party`);
//! this module only serves the upgraded socket, through [`Game`] and the hub.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use party_protocol::party_ws::{ClientMessage, ServerEvent, ServerMessage};
use party_protocol::{PROTOCOL_VERSION, PlayerId};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use super::hub::{Hub, removed_player};
use crate::error::Result;
use crate::service::{ChatNotice, Game, SocketAdmission};

/// Close codes (api.md). Clients treat 4001–4005 as final.
pub mod close {
    /// A client message larger than the socket takes (RFC 6455's code).
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const MISSING_TOKEN: u16 = 4001;
    pub const INVALID_TOKEN: u16 = 4003;
    pub const NOT_PARTICIPANT: u16 = 4004;
    /// The member left the party or was kicked: the socket's last event
    /// was their own `player_left` / `player_kicked`.
    pub const REMOVED: u16 = 4005;
    pub const TOO_SLOW: u16 = 4008;
    /// The player already holds `--max-sockets-per-player` sockets of this
    /// party: the newest is refused, before its hello. Not final: one of
    /// the others may close (a dead one within a minute).
    pub const TOO_MANY_SOCKETS: u16 = 4009;

    /// The reason text sent with a close code.
    pub fn reason(code: u16) -> &'static str {
        match code {
            MISSING_TOKEN => "missing token",
            INVALID_TOKEN => "invalid, used or expired token",
            NOT_PARTICIPANT => "not a participant",
            REMOVED => "no longer a member of this party",
            MESSAGE_TOO_BIG => "message too big",
            TOO_MANY_SOCKETS => "too many sockets of this player on this party",
            _ => "too slow",
        }
    }
}

/// Limits of one socket. Small buffers keep a connected player cheap.
const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 4 * 1024;
/// The largest client message or frame; a bigger one is answered with
/// close 1009.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// A send that takes longer than this means the client stopped reading.
/// (These timings hold for every kind of socket: player, spectator, party.)
pub(super) const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Server pings this often; silence for `DEAD_AFTER` closes the socket.
pub(super) const PING_EVERY: Duration = Duration::from_secs(20);
pub(super) const DEAD_AFTER: Duration = Duration::from_secs(60);
/// A socket that lags this many times is closed instead of resynced again.
pub(super) const MAX_LAGS: u32 = 3;

/// What a socket needs from the server: the use cases and this
/// instance's fan-out. The HTTP layer builds it for each upgrade.
#[derive(Debug, Clone)]
pub struct SocketContext {
    pub game: Game,
    pub hub: Arc<Hub>,
    /// Sockets one player may hold on one party, over every instance.
    pub max_sockets: u32,
}

/// Completes a WebSocket upgrade for `session` and serves the socket: the
/// HTTP route has checked that Party Mode is on and parsed the path and
/// query (`token`, and `since` to replay from).
pub fn upgrade(
    upgrade: WebSocketUpgrade,
    context: SocketContext,
    session: Uuid,
    token: Option<String>,
    since: Option<i64>,
) -> Response {
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_MESSAGE * 2)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            if let Err(err) = serve(context, session, token, since, socket).await {
                tracing::debug!(error = %err, %session, "socket ended with an error");
            }
        })
}

/// Who may open this socket, or the close code that refuses them.
async fn admit(
    game: &Game,
    session: Uuid,
    token: Option<&str>,
) -> Result<std::result::Result<PlayerId, u16>> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(Err(close::MISSING_TOKEN));
    };
    let admission = {
        let (worker, token) = (game.clone(), token.to_owned());
        game.on_writer(async move { worker.admit_socket(session, &token).await })
            .await?
    };
    Ok(match admission {
        SocketAdmission::Member(player) => Ok(player),
        SocketAdmission::InvalidToken => Err(close::INVALID_TOKEN),
        SocketAdmission::NotParticipant => Err(close::NOT_PARTICIPANT),
    })
}

async fn serve(
    context: SocketContext,
    session: Uuid,
    token: Option<String>,
    since: Option<i64>,
    socket: WebSocket,
) -> Result<()> {
    let SocketContext {
        game,
        hub,
        max_sockets,
    } = context;
    let (mut sink, mut stream) = socket.split();
    let player = match admit(&game, session, token.as_deref()).await? {
        Ok(who) => who,
        Err(code) => return close_with(&mut sink, code).await,
    };
    // Subscribe before reading the snapshot: nothing committed in between is missed.
    let mut frames = hub.subscribe(session).await?;
    let Some(mut chat) = hub.subscribe_chat(session) else {
        return Ok(());
    };
    hub.socket_opened(session, player);
    // Presence is written where writes run (see `Game::on_writer`).
    let instance = hub.instance();
    let opener = game.clone();
    let counted = game
        .on_writer(async move {
            opener
                .socket_opened(instance, session, player, max_sockets)
                .await
        })
        .await;
    if !matches!(counted, Ok(true)) {
        drop((frames, chat));
        hub.release(session);
        hub.socket_closed(session, player);
        counted?;
        return close_with(&mut sink, close::TOO_MANY_SOCKETS).await;
    }
    let member = Member {
        game: &game,
        hub: &hub,
        session,
        player,
    };
    let feeds = Feeds {
        frames: &mut frames,
        chat: &mut chat,
    };
    let outcome = pump(member, since, &mut sink, &mut stream, feeds).await;
    drop((frames, chat));
    hub.release(session);
    hub.socket_closed(session, player);
    let closer = game.clone();
    game.on_writer(async move { closer.socket_closed(instance, session, player).await })
        .await?;
    if let Err(code) = outcome
        && code != 0
    {
        return close_with(&mut sink, code).await;
    }
    Ok(())
}

/// Closes the socket with `code` and its reason (a socket not admitted,
/// or one the server ends).
pub(super) async fn close_with(sink: &mut Sink, code: u16) -> Result<()> {
    let _ = timeout(
        SEND_TIMEOUT,
        sink.send(Message::Close(Some(CloseFrame {
            code,
            reason: close::reason(code).into(),
        }))),
    )
    .await;
    Ok(())
}

/// Whether a read failed on a message or frame over [`MAX_MESSAGE`].
pub(super) fn too_big(err: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(tungstenite::Error::Capacity(_)) = e.downcast_ref::<tungstenite::Error>() {
            return true;
        }
        cause = e.source();
    }
    false
}

pub(super) type Sink = futures::stream::SplitSink<WebSocket, Message>;
pub(super) type Stream = futures::stream::SplitStream<WebSocket>;

/// Sends one text frame, or reports the socket as too slow.
async fn send(sink: &mut Sink, text: &str) -> std::result::Result<(), u16> {
    match timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => {
            metrics::counter!("ws_events_sent_total").increment(1);
            Ok(())
        }
        // The peer went away: end quietly.
        Ok(Err(_)) => Err(0),
        Err(_) => Err(close::TOO_SLOW),
    }
}

/// Whose socket it is, and where its party's events come from.
#[derive(Clone, Copy)]
struct Member<'a> {
    game: &'a Game,
    hub: &'a Hub,
    session: Uuid,
    player: PlayerId,
}

/// What a player's socket listens to: the party's events, and its chat.
struct Feeds<'a> {
    frames: &'a mut broadcast::Receiver<super::hub::Frame>,
    chat: &'a mut broadcast::Receiver<Arc<ChatNotice>>,
}

/// The socket's main loop. `Err(code)` asks for a close with that code (0: none).
async fn pump(
    member: Member<'_>,
    since: Option<i64>,
    sink: &mut Sink,
    stream: &mut Stream,
    feeds: Feeds<'_>,
) -> std::result::Result<(), u16> {
    let Member {
        game,
        hub,
        session,
        player,
    } = member;
    let Feeds { frames, chat } = feeds;
    // Before anything else, so a client can refuse a protocol it does not speak.
    let hello = ServerMessage {
        event: ServerEvent::Hello {
            protocol_version: PROTOCOL_VERSION,
        },
        session_id: session.into(),
        seq: since.unwrap_or(0),
        timestamp: game.now().to_datetime(),
    };
    send(sink, &serde_json::to_string(&hello).unwrap_or_default()).await?;
    let mut last = match since {
        Some(since) => match game.replay_events(session, since).await {
            Ok(Some(events)) => {
                let mut last = since;
                for (seq, text) in events {
                    send(sink, &text).await?;
                    last = seq;
                }
                last
            }
            _ => snapshot(game, session, player, sink).await?,
        },
        None => snapshot(game, session, player, sink).await?,
    };
    let mut lags = 0;
    let mut keepalive = tokio::time::interval(PING_EVERY);
    keepalive.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Ok(frame) => {
                    if frame.gone {
                        return Err(close::REMOVED);
                    }
                    if frame.seq <= last {
                        continue;
                    }
                    if frame.seq > last + 1 {
                        // A gap (we subscribed while events were in flight): read it from the log.
                        match hub.gap(session, last, frame.seq).await {
                            Ok(Some(events)) => {
                                for (seq, text) in events {
                                    send(sink, &text).await?;
                                    last = seq;
                                    if removed_player(&text) == Some(player) {
                                        return Err(close::REMOVED);
                                    }
                                }
                            }
                            _ => last = snapshot(game, session, player, sink).await?,
                        }
                        if frame.seq <= last {
                            continue;
                        }
                    }
                    send(sink, &frame.text).await?;
                    last = frame.seq;
                    // Driven by the event itself, so every instance closes
                    // its own sockets of the removed member.
                    if frame.removes == Some(player) {
                        return Err(close::REMOVED);
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    lags += 1;
                    if lags > MAX_LAGS {
                        return Err(close::TOO_SLOW);
                    }
                    metrics::counter!("ws_resyncs_total").increment(1);
                    last = snapshot(game, session, player, sink).await?;
                }
                Err(RecvError::Closed) => return Ok(()),
            },
            said = chat.recv() => match said {
                // Not to a player who muted the sender. Like a pong, its
                // seq is the last event sent: chat is no event.
                Ok(notice) if !notice.hidden_from.contains(&player) => {
                    let message = ServerMessage {
                        event: ServerEvent::PartyChat(notice.message.clone()),
                        session_id: session.into(),
                        seq: last,
                        timestamp: game.now().to_datetime(),
                    };
                    send(sink, &serde_json::to_string(&message).unwrap_or_default()).await?;
                }
                // Chat is not replayed: a socket that fell behind skips on
                // (the chat's pages still hold every message).
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Ok(()),
            },
            message = stream.next() => {
                heard = Instant::now();
                match message {
                    Some(Ok(Message::Text(text))) => {
                        if matches!(serde_json::from_str::<ClientMessage>(text.as_str()), Ok(ClientMessage::Ping)) {
                            let reply = ServerMessage {
                                event: ServerEvent::Pong,
                                session_id: session.into(),
                                seq: last,
                                timestamp: game.now().to_datetime(),
                            };
                            send(sink, &serde_json::to_string(&reply).unwrap_or_default()).await?;
                        }
                    }
                    // Its unread rest makes the stream unusable: say why, then close.
                    Some(Err(err)) if too_big(&err) => return Err(close::MESSAGE_TOO_BIG),
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return Ok(()),
                    Some(Ok(_)) => {}
                }
            },
            _ = keepalive.tick() => {
                if heard.elapsed() > DEAD_AFTER {
                    return Ok(());
                }
                if timeout(SEND_TIMEOUT, sink.send(Message::Ping(Vec::new().into()))).await.is_err() {
                    return Err(close::TOO_SLOW);
                }
            }
        }
    }
}

/// Sends a `session_update` snapshot; returns the sequence number it reflects.
async fn snapshot(
    game: &Game,
    session: Uuid,
    player: PlayerId,
    sink: &mut Sink,
) -> std::result::Result<i64, u16> {
    let status = game.party_status(player, session).await.map_err(|_| 0u16)?;
    let seq = status.seq;
    let message = ServerMessage {
        event: ServerEvent::SessionUpdate(Box::new(status.into())),
        session_id: session.into(),
        seq,
        timestamp: game.now().to_datetime(),
    };
    send(sink, &serde_json::to_string(&message).unwrap_or_default()).await?;
    Ok(seq)
}

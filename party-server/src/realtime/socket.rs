//! `GET /qf/party/{session_id}/ws?token=…[&since=SEQ]`: one player's socket.
//!
//! The socket is authenticated with the 60-second ws-token, members only.
//! It first sends a `session_update` snapshot — or, with `since`, replays
//! the events after it while the log still holds them — then every new
//! event of the party in order. Frames come from the hub's bounded
//! broadcast; a socket that falls behind gets a fresh snapshot, and one
//! that stops reading is closed with 4008, so it never slows the others.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use party_protocol::party_ws::{ClientMessage, ServerEvent, ServerMessage};
use party_protocol::{ErrorCode, PlayerId};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::http::AppState;
use crate::http::extract::ApiPath;
use crate::service::Game;
use crate::store::TokenKind;

/// Close codes (api.md). Clients treat 4001–4004 as final.
pub mod close {
    pub const MISSING_TOKEN: u16 = 4001;
    pub const INVALID_TOKEN: u16 = 4003;
    pub const NOT_PARTICIPANT: u16 = 4004;
    pub const TOO_SLOW: u16 = 4008;
}

/// Limits of one socket. Small buffers keep a connected player cheap.
const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 4 * 1024;
const MAX_MESSAGE: usize = 64 * 1024;
/// A send that takes longer than this means the client stopped reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Server pings this often; silence for `DEAD_AFTER` closes the socket.
const PING_EVERY: Duration = Duration::from_secs(20);
const DEAD_AFTER: Duration = Duration::from_secs(60);
/// A socket that lags this many times is closed instead of resynced again.
const MAX_LAGS: u32 = 3;

#[derive(Debug, Deserialize)]
pub struct WsQuery {
    pub token: Option<String>,
    pub since: Option<i64>,
}

/// The upgrade handler.
pub async fn party_socket(
    State(state): State<AppState>,
    ApiPath(session): ApiPath<Uuid>,
    Query(query): Query<WsQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !state.party_mode {
        return Error::api(
            ErrorCode::PartyModeDisabled,
            "Party Mode is switched off on this server.",
        )
        .into_response();
    }
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_MESSAGE * 2)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            if let Err(err) = serve(state, session, query, socket).await {
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
    let mut tx = game.store.read().await?;
    let Some(player) = tx
        .token_owner(TokenKind::WebSocket, &tokens::hash(token), game.now())
        .await?
    else {
        return Ok(Err(close::INVALID_TOKEN));
    };
    if tx.participant(session, player.id()).await?.is_none() {
        return Ok(Err(close::NOT_PARTICIPANT));
    }
    Ok(Ok(player.id()))
}

async fn serve(state: AppState, session: Uuid, query: WsQuery, socket: WebSocket) -> Result<()> {
    let (mut sink, mut stream) = socket.split();
    let player = match admit(&state.game, session, query.token.as_deref()).await? {
        Ok(who) => who,
        Err(code) => {
            let reason = match code {
                close::MISSING_TOKEN => "missing token",
                close::INVALID_TOKEN => "invalid or expired token",
                _ => "not a participant",
            };
            let _ = sink
                .send(Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                })))
                .await;
            return Ok(());
        }
    };
    let hub = state.hub.clone();
    // Subscribe before reading the snapshot: nothing committed in between is missed.
    let mut frames = hub.subscribe(session).await?;
    hub.socket_opened(session, player);
    if let Err(err) = state
        .game
        .socket_opened(hub.instance(), session, player)
        .await
    {
        hub.socket_closed(session, player);
        return Err(err);
    }
    let outcome = pump(
        &state.game,
        session,
        player,
        query.since,
        &mut sink,
        &mut stream,
        &mut frames,
    )
    .await;
    drop(frames);
    hub.release(session);
    hub.socket_closed(session, player);
    state
        .game
        .socket_closed(hub.instance(), session, player)
        .await?;
    if let Err(code) = outcome
        && code != 0
    {
        let _ = timeout(
            SEND_TIMEOUT,
            sink.send(Message::Close(Some(CloseFrame {
                code,
                reason: "too slow".into(),
            }))),
        )
        .await;
    }
    Ok(())
}

type Sink = futures::stream::SplitSink<WebSocket, Message>;
type Stream = futures::stream::SplitStream<WebSocket>;

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

/// The socket's main loop. `Err(code)` asks for a close with that code (0: none).
async fn pump(
    game: &Game,
    session: Uuid,
    player: PlayerId,
    since: Option<i64>,
    sink: &mut Sink,
    stream: &mut Stream,
    frames: &mut tokio::sync::broadcast::Receiver<crate::realtime::hub::Frame>,
) -> std::result::Result<(), u16> {
    let mut last = match since {
        Some(since) => match replay(game, session, since).await {
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
                    if frame.seq <= last {
                        continue;
                    }
                    if frame.seq > last + 1 {
                        // A gap (we subscribed while events were in flight): read it from the log.
                        match replay(game, session, last).await {
                            Ok(Some(events)) => {
                                for (seq, text) in events.into_iter().filter(|(seq, _)| *seq < frame.seq) {
                                    send(sink, &text).await?;
                                    last = seq;
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
            message = stream.next() => {
                heard = Instant::now();
                match message {
                    Some(Ok(Message::Text(text))) => {
                        if matches!(serde_json::from_str::<ClientMessage>(text.as_str()), Ok(ClientMessage::Ping)) {
                            let reply = ServerMessage {
                                event: ServerEvent::Pong,
                                session_id: session,
                                seq: last,
                                timestamp: game.now().to_datetime(),
                            };
                            send(sink, &serde_json::to_string(&reply).unwrap_or_default()).await?;
                        }
                    }
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

/// The events after `since`, if the log still holds all of them.
async fn replay(game: &Game, session: Uuid, since: i64) -> Result<Option<Vec<(i64, String)>>> {
    let mut tx = game.store.read().await?;
    let Some(s) = tx.session(session).await? else {
        return Ok(None);
    };
    let limit = game.rules.party_event_replay_limit;
    if since < 0 || since > s.event_seq || s.event_seq - since > limit {
        return Ok(None);
    }
    Ok(Some(tx.events_since(session, since, limit).await?))
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
        session_id: session,
        seq,
        timestamp: game.now().to_datetime(),
    };
    send(sink, &serde_json::to_string(&message).unwrap_or_default()).await?;
    Ok(seq)
}

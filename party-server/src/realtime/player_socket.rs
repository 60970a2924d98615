//! `GET /qf/player/ws?token=…`: a player's own socket, outside any party.
//!
//! It is authenticated with the 60-second ws-token (any signed-in player),
//! opens with a `hello`, sends every pending party invite, then each new
//! one as it is made, and `quick_match_formed` when a quick match put
//! the player in a lobby: at once when it commits, on any instance (the
//! service's [`crate::service::Inbox`] wakes it; see there), and within
//! [`RECHECK`] should that wake-up be lost. While it is open the player counts as online for
//! their friends. Keepalives and limits are the party socket's.

use std::collections::HashSet;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use party_protocol::friends::PlayerMessage;
use party_protocol::matchmaking::QuickMatchStatus;
use party_protocol::party_ws::ClientMessage;
use party_protocol::{PROTOCOL_VERSION, PlayerId};
use tokio::time::{Instant, timeout};
use uuid::Uuid;

use super::socket::{DEAD_AFTER, MAX_MESSAGE, PING_EVERY, SEND_TIMEOUT, Sink, close, close_with};
use crate::error::Result;
use crate::service::Game;

/// How often the socket reads its invites without being woken.
pub const RECHECK: Duration = Duration::from_secs(60);

/// Completes the upgrade and serves the socket for this instance.
pub fn upgrade(
    upgrade: WebSocketUpgrade,
    game: Game,
    instance: Uuid,
    token: Option<String>,
) -> Response {
    upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(MAX_MESSAGE * 2)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            if let Err(err) = serve(game, instance, token, socket).await {
                tracing::debug!(error = %err, "player socket ended with an error");
            }
        })
}

async fn serve(game: Game, instance: Uuid, token: Option<String>, socket: WebSocket) -> Result<()> {
    let (mut sink, mut stream) = socket.split();
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return close_with(&mut sink, close::MISSING_TOKEN).await;
    };
    let admitted = {
        let worker = game.clone();
        game.on_writer(async move { worker.admit_player_socket(&token).await })
            .await?
    };
    let Some(player) = admitted else {
        return close_with(&mut sink, close::INVALID_TOKEN).await;
    };
    // Subscribe before the first read: an invite committed in between wakes us.
    let mut pokes = game.inbox.subscribe(player);
    let opener = game.clone();
    game.on_writer(async move { opener.player_socket(instance, player, true).await })
        .await?;
    let outcome = pump(&game, player, &mut sink, &mut stream, &mut pokes).await;
    drop(pokes);
    game.inbox.release(player);
    let closer = game.clone();
    game.on_writer(async move { closer.player_socket(instance, player, false).await })
        .await?;
    if let Err(code) = outcome
        && code != 0
    {
        return close_with(&mut sink, code).await;
    }
    Ok(())
}

async fn send(sink: &mut Sink, message: &PlayerMessage) -> std::result::Result<(), u16> {
    let text = serde_json::to_string(message).unwrap_or_default();
    match timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(0),
        Err(_) => Err(close::TOO_SLOW),
    }
}

/// Sends the pending invites not sent yet; `sent` becomes the pending set
/// (an invite renewed by the host is new again: its time changed).
async fn deliver(
    game: &Game,
    player: PlayerId,
    sink: &mut Sink,
    sent: &mut HashSet<(Uuid, i128)>,
) -> std::result::Result<(), u16> {
    let Ok(pending) = game.party_invites(player).await else {
        // The database is unreachable for now: the next check tries again.
        return Ok(());
    };
    let mut now_pending = HashSet::new();
    for invite in pending.invites {
        let key = (
            invite.session_id.as_uuid(),
            invite.created_at.unix_timestamp_nanos(),
        );
        if !sent.contains(&key) {
            send(sink, &PlayerMessage::PartyInvite(invite)).await?;
        }
        now_pending.insert(key);
    }
    *sent = now_pending;
    Ok(())
}

/// Sends `quick_match_formed` for the lobby the player's quick match put
/// them in, once per lobby and socket (a new socket tells it again while
/// the player is still in that lobby).
async fn deliver_match(
    game: &Game,
    player: PlayerId,
    sink: &mut Sink,
    told: &mut Option<Uuid>,
) -> std::result::Result<(), u16> {
    let Ok(QuickMatchStatus::Matched(formed)) = game.quick_match_status(player).await else {
        return Ok(());
    };
    if *told != Some(formed.session_id.as_uuid()) {
        *told = Some(formed.session_id.as_uuid());
        send(sink, &PlayerMessage::QuickMatchFormed(formed)).await?;
    }
    Ok(())
}

async fn pump(
    game: &Game,
    player: PlayerId,
    sink: &mut Sink,
    stream: &mut futures::stream::SplitStream<WebSocket>,
    pokes: &mut tokio::sync::watch::Receiver<u64>,
) -> std::result::Result<(), u16> {
    send(
        sink,
        &PlayerMessage::Hello {
            protocol_version: PROTOCOL_VERSION,
        },
    )
    .await?;
    let mut sent = HashSet::new();
    let mut told = None;
    pokes.mark_unchanged();
    deliver(game, player, sink, &mut sent).await?;
    deliver_match(game, player, sink, &mut told).await?;
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    let mut keepalive = tokio::time::interval(PING_EVERY);
    keepalive.tick().await;
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            changed = pokes.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                deliver(game, player, sink, &mut sent).await?;
                deliver_match(game, player, sink, &mut told).await?;
            }
            _ = recheck.tick() => {
                deliver(game, player, sink, &mut sent).await?;
                deliver_match(game, player, sink, &mut told).await?;
            }
            message = stream.next() => {
                heard = Instant::now();
                match message {
                    Some(Ok(Message::Text(text))) => {
                        if matches!(serde_json::from_str::<ClientMessage>(text.as_str()), Ok(ClientMessage::Ping)) {
                            send(sink, &PlayerMessage::Pong).await?;
                        }
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return Ok(()),
                    Some(Ok(_)) => {}
                }
            }
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

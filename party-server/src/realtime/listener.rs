//! Scale-out: on PostgreSQL, every instance LISTENs on the events channel.
//! A notice carries only a party id; the instance's hub then reads the new
//! events from the table. LISTEN drops notices while it reconnects, so after
//! every (re)connect the hub re-reads every party it serves.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::hub::Hub;
use crate::store::{
    CHAT_CHANNEL, EVENTS_CHANNEL, PARTY_CHAT_CHANNEL, PLAYERS_CHANNEL, STANDINGS_CHANNEL,
};

/// Runs until `cancel` fires.
pub async fn run(hub: Arc<Hub>, pool: sqlx::PgPool, cancel: CancellationToken) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(err) => {
                tracing::warn!(error = %err, "LISTEN connection failed; retrying");
                tokio::select! {
                    () = cancel.cancelled() => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        };
        if let Err(err) = listener
            .listen_all([
                EVENTS_CHANNEL,
                CHAT_CHANNEL,
                PARTY_CHAT_CHANNEL,
                PLAYERS_CHANNEL,
                STANDINGS_CHANNEL,
            ])
            .await
        {
            tracing::warn!(error = %err, "LISTEN failed; retrying");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        hub.poke_all().await;
        hub.tell_all_players();
        hub.standings_changed();
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                notice = listener.try_recv() => match notice {
                    Ok(Some(n)) if n.channel() == CHAT_CHANNEL => {
                        // Chat is not stored: a notice lost while the link
                        // was down is a chat line lost, never an event.
                        if let Some((party, frame)) = n.payload().split_once(' ')
                            && let Ok(party) = party.parse::<Uuid>()
                        {
                            hub.spectators.chat(party, frame);
                        }
                    }
                    Ok(Some(n)) if n.channel() == STANDINGS_CHANNEL => hub.standings_changed(),
                    Ok(Some(n)) if n.channel() == PARTY_CHAT_CHANNEL => {
                        // Stored before it was sent: a notice lost while
                        // the link was down is still in the chat's pages.
                        if let Some((party, notice)) = n.payload().split_once(' ')
                            && let Ok(party) = party.parse::<Uuid>()
                        {
                            hub.party_chat(party, notice);
                        }
                    }
                    Ok(Some(n)) if n.channel() == PLAYERS_CHANNEL => {
                        if let Ok(player) = n.payload().parse::<Uuid>() {
                            hub.tell_player(player);
                        }
                    }
                    Ok(Some(n)) => {
                        if let Ok(party) = n.payload().parse::<Uuid>() {
                            let hub = hub.clone();
                            tokio::spawn(async move {
                                if let Err(err) = hub.poke(party).await {
                                    tracing::warn!(error = %err, %party, "fan-out failed");
                                }
                            });
                        }
                    }
                    // The connection dropped: notices may have been lost.
                    Ok(None) => {
                        hub.poke_all().await;
                        hub.tell_all_players();
                        hub.standings_changed();
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "LISTEN broke; reconnecting");
                        break;
                    }
                },
            }
        }
    }
}

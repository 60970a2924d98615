//! The socket tasks (party, spectator and player sockets): each connects
//! with a fresh ws-token, forwards every server message to the core, and reconnects with exponential backoff,
//! resuming after the last sequence number it delivered. Close codes
//! 4001–4005 are final (the core then falls back to polling), and so is a
//! `hello` announcing another protocol version (logged with the reason).

use std::time::Duration;

use futures::StreamExt;
use party_protocol::SessionId;
use party_protocol::friends::PlayerMessage;
use party_protocol::ops::check_protocol_version;
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::spectate::SpectatorSocketMessage;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc::UnboundedSender;
use tokio_tungstenite::tungstenite::Message;

use crate::api::ApiClient;
use crate::core::{Msg, SocketEvent};

/// Attempts before giving up on the socket (then the core polls).
const MAX_ATTEMPTS: u32 = 6;

/// Whether a close code ends the socket for good: no token, a bad or spent
/// token, not a participant, and 4005 (this player left or was kicked:
/// reconnecting could only be refused or, after leaving a running party,
/// listen to a party they left).
pub fn is_final_close(code: u16) -> bool {
    (4001..=4005).contains(&code)
}

/// Backoff before attempt `n` (1-based): 0.5 s, 1 s, 2 s … capped at 15 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    (500u64 << attempt.saturating_sub(1).min(5)).min(15_000)
}

/// A stream of server messages the client follows: how to read one, where
/// it resumes, and how its events reach the core. The party, spectator and
/// player sockets share one connect-and-reconnect loop ([`follow`]).
pub trait Feed: DeserializeOwned + Send + 'static {
    /// Which socket, in the logs ("party socket connected").
    const NAME: &'static str;
    /// The `hello`'s protocol version, when this message is the `hello`.
    fn hello(&self) -> Option<u32>;
    /// The sequence number to resume after, when this message has one.
    fn seq(&self) -> Option<i64>;
    /// Wraps a socket event as a message for the core.
    fn wrap(event: SocketEvent<Self>) -> Msg;
}

impl Feed for ServerMessage {
    const NAME: &'static str = "party";
    fn hello(&self) -> Option<u32> {
        match self.event {
            ServerEvent::Hello { protocol_version } => Some(protocol_version),
            _ => None,
        }
    }
    fn seq(&self) -> Option<i64> {
        Some(self.seq)
    }
    fn wrap(event: SocketEvent<Self>) -> Msg {
        Msg::Ws(event)
    }
}

impl Feed for SpectatorSocketMessage {
    const NAME: &'static str = "spectator";
    fn hello(&self) -> Option<u32> {
        match self {
            SpectatorSocketMessage::Party(m) => m.hello(),
            SpectatorSocketMessage::Notice(_) => None,
        }
    }
    /// Chat carries the party's last `seq` but is no event: never a
    /// resume point.
    fn seq(&self) -> Option<i64> {
        match self {
            SpectatorSocketMessage::Party(m) => Some(m.seq),
            SpectatorSocketMessage::Notice(_) => None,
        }
    }
    fn wrap(event: SocketEvent<Self>) -> Msg {
        Msg::Spectator(event)
    }
}

impl Feed for PlayerMessage {
    const NAME: &'static str = "player";
    fn hello(&self) -> Option<u32> {
        match self {
            PlayerMessage::Hello { protocol_version } => Some(*protocol_version),
            _ => None,
        }
    }
    fn seq(&self) -> Option<i64> {
        None
    }
    fn wrap(event: SocketEvent<Self>) -> Msg {
        Msg::Player(event)
    }
}

/// Runs the party socket until it closes for good or the task is aborted.
pub async fn run(
    api: ApiClient,
    session: SessionId,
    since: Option<i64>,
    out: UnboundedSender<Msg>,
) {
    follow::<ServerMessage>(api, format!("/party/{session}/ws"), since, out).await;
}

/// Follows the socket at `path` (under `/qf`) until it closes for good or
/// the task is aborted, resuming after `since` on every reconnect.
pub async fn follow<T: Feed>(
    api: ApiClient,
    path: String,
    mut since: Option<i64>,
    out: UnboundedSender<Msg>,
) {
    let mut attempt = 0u32;
    loop {
        let url = match api.ws_token().await {
            Ok(t) => {
                let base = api
                    .server()
                    .replacen("http://", "ws://", 1)
                    .replacen("https://", "wss://", 1);
                let mut url = format!(
                    "{base}{}{path}?token={}",
                    party_protocol::API_PREFIX,
                    t.token
                );
                if let Some(s) = since {
                    url = format!("{url}&since={s}");
                }
                Some(url)
            }
            Err(_) => None,
        };
        let mut final_code = None;
        let connected = match url {
            Some(url) => tokio_tungstenite::connect_async_tls_with_config(
                url.as_str(),
                None,
                false,
                Some(api.trust().connector()),
            )
            .await
            .inspect_err(|err| {
                tracing::debug!(error = %err, path, "{} socket: connect failed", T::NAME);
            })
            .ok(),
            None => None,
        };
        if let Some((mut stream, _)) = connected {
            tracing::debug!(path, "{} socket connected", T::NAME);
            attempt = 0;
            let _ = out.send(T::wrap(SocketEvent::Connected));
            while let Some(frame) = stream.next().await {
                match frame {
                    Ok(Message::Text(text)) => {
                        let Ok(msg) = serde_json::from_str::<T>(text.as_str()) else {
                            continue;
                        };
                        if let Some(version) = msg.hello() {
                            // Not an event: checked here, never forwarded,
                            // and its seq is no resume point.
                            if let Err(err) = check_protocol_version(version) {
                                tracing::error!(path, "{} socket: {err}", T::NAME);
                                let _ = out.send(T::wrap(SocketEvent::Disconnected {
                                    retry_in: None,
                                    code: None,
                                }));
                                return;
                            }
                            continue;
                        }
                        if let Some(seq) = msg.seq() {
                            since = Some(seq);
                        }
                        if out
                            .send(T::wrap(SocketEvent::Message(Box::new(msg))))
                            .is_err()
                        {
                            return;
                        }
                    }
                    Ok(Message::Close(frame)) => {
                        final_code = frame
                            .map(|f| u16::from(f.code))
                            .filter(|c| is_final_close(*c));
                        break;
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
        attempt += 1;
        if final_code.is_some() || attempt > MAX_ATTEMPTS {
            let _ = out.send(T::wrap(SocketEvent::Disconnected {
                retry_in: None,
                code: final_code,
            }));
            return;
        }
        let wait = backoff_ms(attempt);
        if out
            .send(T::wrap(SocketEvent::Disconnected {
                retry_in: Some(wait),
                code: None,
            }))
            .is_err()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, is_final_close};

    #[test]
    fn refusals_and_removal_are_final_other_closes_reconnect() {
        for code in [4001, 4003, 4004, 4005] {
            assert!(is_final_close(code), "{code}");
        }
        for code in [1000, 1001, 1009, 1011, 4000, 4006, 4008] {
            assert!(!is_final_close(code), "{code}");
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 500);
        assert_eq!(backoff_ms(2), 1000);
        assert_eq!(backoff_ms(3), 2000);
        assert_eq!(backoff_ms(6), 15_000);
        assert_eq!(backoff_ms(40), 15_000);
    }
}

//! Spectators as a client sees them: the spectator endpoints, and a client
//! of the read-only spectator socket that keeps every message it got, raw
//! and parsed.

use std::fmt::Write as _;
use std::time::Duration;

use futures::SinkExt;
use party_protocol::SessionId;
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::spectate::{SpectatorSocketMessage, SpectatorStatusResponse};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::ws::{Ended, Socket, next_text};
use super::{Player, Reply, TestApp};

/// A spectator socket client.
pub struct SpectatorClient {
    pub stream: Socket,
    /// Every message after the `hello`: the text as received, and parsed.
    pub received: Vec<(String, SpectatorSocketMessage)>,
    pub hello: bool,
}

impl TestApp {
    /// `POST /party/spectate` with this code.
    pub async fn spectate(&self, who: &Player, code: &str) -> Reply {
        self.post("/party/spectate", &who.token, json!({"party_code": code}))
            .await
    }

    /// Spectates, asserting success.
    pub async fn spectate_ok(&self, who: &Player, code: &str) -> SpectatorStatusResponse {
        self.spectate(who, code).await.ok()
    }

    /// `DELETE /party/{id}/spectate`.
    pub async fn stop_spectating(&self, who: &Player, session: SessionId) -> Reply {
        self.request(
            reqwest::Method::DELETE,
            &format!("/party/{session}/spectate"),
            Some(&who.token),
            None,
        )
        .await
    }

    /// `GET /party/{id}/spectate/status`.
    pub async fn spectator_status(&self, who: &Player, session: SessionId) -> Reply {
        self.get(&format!("/party/{session}/spectate/status"), &who.token)
            .await
    }

    /// `POST /party/{id}/spectate/chat`.
    pub async fn spectator_chat(&self, who: &Player, session: SessionId, text: &str) -> Reply {
        self.post(
            &format!("/party/{session}/spectate/chat"),
            &who.token,
            json!({"text": text}),
        )
        .await
    }

    pub fn spectator_ws_url(&self, session: SessionId, token: Option<&str>) -> String {
        let mut url = format!("{}/party/{session}/spectate/ws", self.ws_base());
        if let Some(token) = token {
            let _ = write!(url, "?token={token}");
        }
        url
    }

    /// Opens `who`'s spectator socket on `session`.
    pub async fn spectator_connect(&self, who: &Player, session: SessionId) -> SpectatorClient {
        let token = self.ws_token(who).await;
        self.spectator_connect_raw(&self.spectator_ws_url(session, Some(&token)))
            .await
    }

    pub async fn spectator_connect_raw(&self, url: &str) -> SpectatorClient {
        SpectatorClient {
            stream: self.ws_open(url).await,
            received: Vec::new(),
            hello: false,
        }
    }
}

impl SpectatorClient {
    /// The next message within `wait` (the opening `hello` is checked and
    /// not returned).
    pub async fn next(&mut self, wait: Duration) -> Result<SpectatorSocketMessage, Ended> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let (text, msg): (String, SpectatorSocketMessage) =
                next_text(&mut self.stream, deadline).await?;
            if let SpectatorSocketMessage::Party(ServerMessage {
                event: ServerEvent::Hello { protocol_version },
                ..
            }) = &msg
            {
                assert!(!self.hello, "a second hello: {text}");
                assert_eq!(*protocol_version, party_protocol::PROTOCOL_VERSION);
                self.hello = true;
                continue;
            }
            assert!(self.hello, "the socket did not open with hello: {text}");
            self.received.push((text, msg.clone()));
            return Ok(msg);
        }
    }

    /// The party messages received so far (events and snapshots).
    pub fn party_messages(&self) -> Vec<&ServerMessage> {
        self.received
            .iter()
            .filter_map(|(_, m)| match m {
                SpectatorSocketMessage::Party(m) => Some(m),
                SpectatorSocketMessage::Notice(_) => None,
            })
            .collect()
    }

    /// Reads until a party message with `seq >= target` arrived.
    pub async fn until_seq(&mut self, target: i64, wait: Duration) -> i64 {
        let mut last = self.party_messages().last().map_or(-1, |m| m.seq);
        while last < target {
            match self.next(wait).await {
                Ok(SpectatorSocketMessage::Party(m)) => last = m.seq,
                Ok(SpectatorSocketMessage::Notice(_)) => {}
                Err(e) => {
                    panic!("spectator socket ended at seq {last} waiting for {target}: {e:?}")
                }
            }
        }
        last
    }

    /// The close code the server ends with.
    pub async fn close_code(&mut self, wait: Duration) -> Option<u16> {
        loop {
            match self.next(wait).await {
                Ok(_) => {}
                Err(Ended::Closed(code)) => return code,
                Err(Ended::TimedOut) => panic!("the server did not close the socket"),
            }
        }
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::Text(text.into()))
            .await
            .expect("send");
    }

    pub async fn send_json(&mut self, value: Value) {
        self.send_text(&value.to_string()).await;
    }
}

//! A WebSocket client of the party socket.

use std::fmt::Write as _;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use party_protocol::SessionId;
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Player, TestApp};

/// An open WebSocket to the test server (plain or TLS).
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct WsClient {
    pub stream: Socket,
    /// Every server message received, in order (the opening `hello` aside).
    pub received: Vec<ServerMessage>,
    /// Whether the opening `hello` came.
    pub hello: bool,
}

/// What a socket did instead of delivering a message.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Closed(Option<u16>),
    TimedOut,
}

impl TestApp {
    /// The API's base URL as a `ws://` or `wss://` one.
    pub fn ws_base(&self) -> String {
        self.base
            .replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1)
    }

    /// Opens a WebSocket to `url` (trusting the test CA over TLS).
    pub async fn ws_open(&self, url: &str) -> Socket {
        let connector = self.tls_config().map(tokio_tungstenite::Connector::Rustls);
        let (stream, _) =
            tokio_tungstenite::connect_async_tls_with_config(url, None, false, connector)
                .await
                .expect("websocket handshake");
        stream
    }

    pub fn ws_url(&self, session: SessionId, token: Option<&str>, since: Option<i64>) -> String {
        let mut url = format!("{}/party/{session}/ws", self.ws_base());
        let mut sep = '?';
        if let Some(token) = token {
            let _ = write!(url, "{sep}token={token}");
            sep = '&';
        }
        if let Some(since) = since {
            let _ = write!(url, "{sep}since={since}");
        }
        url
    }

    /// A fresh 60-second socket token for `player`.
    pub async fn ws_token(&self, player: &Player) -> String {
        let body: Value = self.get("/auth/ws-token", &player.token).await.ok();
        assert_eq!(body["expires_in"], 60);
        body["token"].as_str().expect("token").to_owned()
    }

    /// Connects `player` to the party socket (optionally resuming after `since`).
    pub async fn ws_connect(
        &self,
        player: &Player,
        session: SessionId,
        since: Option<i64>,
    ) -> WsClient {
        let token = self.ws_token(player).await;
        self.ws_connect_raw(&self.ws_url(session, Some(&token), since))
            .await
    }

    pub async fn ws_connect_raw(&self, url: &str) -> WsClient {
        WsClient {
            stream: self.ws_open(url).await,
            received: Vec::new(),
            hello: false,
        }
    }
}

impl WsClient {
    /// The next server message within `wait`, answering pings on the way.
    pub async fn next(&mut self, wait: Duration) -> Result<ServerMessage, Ended> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let (text, msg): (String, ServerMessage) =
                next_text(&mut self.stream, deadline).await?;
            // Every socket opens with exactly one hello carrying our
            // protocol version; it is checked here, not handed on.
            if let ServerEvent::Hello { protocol_version } = msg.event {
                assert!(!self.hello, "a second hello: {text}");
                assert_eq!(protocol_version, party_protocol::PROTOCOL_VERSION);
                self.hello = true;
                continue;
            }
            assert!(self.hello, "the socket did not open with hello: {text}");
            self.received.push(msg.clone());
            return Ok(msg);
        }
    }

    /// Reads until a message with `seq >= target` arrived (or `wait` ran out).
    pub async fn until_seq(&mut self, target: i64, wait: Duration) -> i64 {
        let mut last = self.received.last().map_or(-1, |m| m.seq);
        while last < target {
            match self.next(wait).await {
                Ok(m) => last = m.seq,
                Err(e) => panic!("socket ended at seq {last} waiting for {target}: {e:?}"),
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

    pub async fn send_ping(&mut self) {
        self.stream
            .send(Message::Text(r#"{"type":"ping"}"#.into()))
            .await
            .expect("send ping");
    }

    pub async fn close(mut self) {
        let _ = self
            .stream
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "bye".into(),
            }))
            .await;
    }
}

/// The next text frame before `deadline`, as received and parsed (other
/// frames skipped; a close or a broken stream ends it).
pub async fn next_text<M: DeserializeOwned>(
    stream: &mut Socket,
    deadline: tokio::time::Instant,
) -> Result<(String, M), Ended> {
    loop {
        let Ok(frame) = tokio::time::timeout_at(deadline, stream.next()).await else {
            return Err(Ended::TimedOut);
        };
        match frame {
            Some(Ok(Message::Text(text))) => {
                let msg = serde_json::from_str(text.as_str())
                    .unwrap_or_else(|e| panic!("bad socket message {text}: {e}"));
                return Ok((text.to_string(), msg));
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(Ended::Closed(frame.map(|f| u16::from(f.code))));
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(Ended::Closed(None)),
        }
    }
}

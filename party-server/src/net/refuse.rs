//! Answering a connection over the per-address cap without serving it.
//!
//! Over plain HTTP the answer is the protocol's error body,
//! `429 too_many_connections`, written once the request's head is in (a
//! client does not expect an answer before it asked), then the connection
//! closes. Under TLS the connection is closed unanswered: a
//! handshake just to refuse would spend on the greedy peer the work the cap
//! exists to save.

use std::sync::Arc;
use std::time::Duration;

use party_protocol::{ApiErrorBody, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Refusals written at once; past this, refused connections just close.
const AT_ONCE: usize = 256;
/// The most of a request head read before answering anyway.
const HEAD_MAX: usize = 8 * 1024;
/// The most a refusal may take, answer and lingering read included.
const REFUSAL_TIME: Duration = Duration::from_secs(2);

/// Refuses connections over the cap, within its own bounds.
#[derive(Debug, Clone)]
pub struct Refuser {
    /// The whole HTTP response, built once.
    response: Arc<[u8]>,
    in_flight: Arc<Semaphore>,
}

impl Refuser {
    pub fn new(cap: usize) -> Self {
        let code = ErrorCode::TooManyConnections;
        let body = serde_json::to_string(&ApiErrorBody {
            error: code,
            message: format!(
                "Too many connections from your address at once (the limit is {cap}). \
                 Close some and try again."
            ),
        })
        .unwrap_or_default();
        let head = format!(
            "HTTP/1.1 {} Too Many Requests\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
            code.http_status(),
            body.len()
        );
        Self {
            response: [head.as_bytes(), body.as_bytes()].concat().into(),
            in_flight: Arc::new(Semaphore::new(AT_ONCE)),
        }
    }

    /// Answers (plain HTTP) or drops (TLS) a connection over the cap.
    pub fn refuse(&self, mut stream: TcpStream, tls: bool) {
        metrics::counter!("connections_refused_total").increment(1);
        if tls {
            return;
        }
        let Ok(permit) = Arc::clone(&self.in_flight).try_acquire_owned() else {
            return;
        };
        let response = Arc::clone(&self.response);
        tokio::spawn(async move {
            let _permit = permit;
            let _ = tokio::time::timeout(REFUSAL_TIME, async {
                let mut head = Vec::new();
                let mut chunk = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < HEAD_MAX {
                    let n = stream.read(&mut chunk).await?;
                    if n == 0 {
                        break;
                    }
                    head.extend_from_slice(&chunk[..n]);
                }
                stream.write_all(&response).await?;
                stream.shutdown().await?;
                // Read what the client sends until it closes: closing with
                // its request unread would reset the connection, and the
                // reset can overtake the answer.
                while stream.read(&mut chunk).await? > 0 {}
                std::io::Result::Ok(())
            })
            .await;
        });
    }
}

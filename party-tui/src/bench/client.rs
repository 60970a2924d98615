//! A thin HTTP client for thousands of bots: one shared connection pool,
//! each call carrying its player's bearer token, and every answer timed
//! against the moment it was due.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::stats::Recorder;

/// Why a call failed: the server's error code (`wrong_phase`…), `network`,
/// `http_<status>` for an answer without the error body, or `decode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
}

impl Failure {
    fn new(code: impl Into<String>) -> Self {
        Failure { code: code.into() }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }
}

/// The bots' shared client of one server.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    /// `http://HOST:PORT` (no trailing slash).
    root: String,
    recorder: Arc<Recorder>,
}

impl Http {
    pub fn new(root: &str, recorder: Arc<Recorder>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Http {
            client,
            root: root.trim_end_matches('/').to_owned(),
            recorder,
        }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn recorder(&self) -> &Arc<Recorder> {
        &self.recorder
    }

    /// Calls `METHOD /qf{path}` and records its latency under `kind`,
    /// counted from `due` (the request's slot in the schedule) when given,
    /// else from the moment it is sent.
    pub async fn call<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        due: Option<Instant>,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<T, Failure> {
        let sent = Instant::now();
        let mut req = self.client.request(
            method,
            format!("{}{}{path}", self.root, party_protocol::API_PREFIX),
        );
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let outcome = async {
            let resp = req.send().await.map_err(|_| Failure::new("network"))?;
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|_| Failure::new("network"))?;
            Ok::<_, Failure>((status, bytes))
        }
        .await;
        let done = Instant::now();
        let from = due.map_or(sent, |d| d.min(sent));
        self.recorder.request(kind, from, done - from, done - sent);
        let (status, bytes) = outcome?;
        decode(status, &bytes)
    }
}

fn decode<T: DeserializeOwned>(status: StatusCode, bytes: &[u8]) -> Result<T, Failure> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
    }
    if status.is_success() {
        return serde_json::from_slice(bytes).map_err(|_| Failure::new("decode"));
    }
    Err(match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => Failure::new(body.error),
        Err(_) => Failure::new(format!("http_{}", status.as_u16())),
    })
}

/// Whether `url`'s host is this machine: the benchmark talks to nothing else.
pub fn is_local(url: &str) -> bool {
    reqwest::Url::parse(url).ok().is_some_and(|u| {
        matches!(
            u.host_str(),
            Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_local() {
        assert!(is_local("http://127.0.0.1:8000"));
        assert!(is_local("http://localhost:1/"));
        assert!(is_local("http://[::1]:8000"));
        assert!(is_local("postgres://postgres@127.0.0.1:5432/qf_bench"));
        assert!(!is_local("http://10.0.0.2:8000"));
        assert!(!is_local("http://example.com"));
        assert!(!is_local("not a url"));
    }

    #[test]
    fn error_bodies_become_their_code() {
        let body = br#"{"error":"wrong_phase","message":"no"}"#;
        let r: Result<Value, Failure> = decode(StatusCode::CONFLICT, body);
        assert_eq!(r.unwrap_err().code, "wrong_phase");
        let r: Result<Value, Failure> = decode(StatusCode::BAD_GATEWAY, b"<html>");
        assert_eq!(r.unwrap_err().code, "http_502");
    }
}

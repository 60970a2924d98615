//! The bots' side of the HTTP layer: the client's own [`ApiClient`], one
//! per bot, all sending through one shared connection pool, and every call
//! timed against the moment it was due.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use party_protocol::ErrorCode;
use party_tui::api::{ApiClient, ApiResult, ClientError};
use party_tui::tls::Trust;
use tokio::time::Instant;

use crate::stats::Recorder;

/// The bots' shared connection pool to one server, and where their calls
/// are recorded.
#[derive(Debug, Clone)]
pub struct Http {
    pool: reqwest::Client,
    /// `http://HOST:PORT` or `https://…` (no trailing slash).
    root: String,
    trust: Trust,
    recorder: Arc<Recorder>,
}

impl Http {
    pub fn new(root: &str, trust: &Trust, recorder: Arc<Recorder>) -> Self {
        // Thousands of bots wait on a loaded server: longer timeouts than
        // the interactive client's, and no Nagle delay on small requests.
        let pool = trust
            .http_builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Http {
            pool,
            root: root.trim_end_matches('/').to_owned(),
            trust: trust.clone(),
            recorder,
        }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn recorder(&self) -> &Arc<Recorder> {
        &self.recorder
    }

    /// A new player's client: its own tokens, the shared pool.
    pub fn player(&self) -> ApiClient {
        ApiClient::with_http(self.pool.clone(), &self.root, self.trust.clone())
    }

    /// Awaits `call` and records its latency under `kind`, counted from
    /// `due` (the request's slot in the schedule) when given, else from the
    /// moment it is sent.
    pub async fn timed<T>(
        &self,
        kind: &'static str,
        due: Option<Instant>,
        call: impl Future<Output = ApiResult<T>>,
    ) -> ApiResult<T> {
        // The call is a future: nothing is sent before it is awaited here.
        let sent = Instant::now();
        let outcome = call.await;
        let done = Instant::now();
        let from = due.map_or(sent, |d| d.min(sent));
        self.recorder.request(kind, from, done - from, done - sent);
        outcome
    }
}

/// The name a failure is counted under: the server's error code, or
/// `transport` when no code came back (unreachable, timed out, or an
/// answer that is not the protocol's).
pub fn failure(err: &ClientError) -> &'static str {
    err.code.map_or("transport", ErrorCode::as_str)
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
    fn failures_are_counted_under_their_code() {
        let coded = ClientError {
            code: Some(ErrorCode::WrongPhase),
            message: "no".into(),
        };
        assert_eq!(failure(&coded), "wrong_phase");
        let uncoded = ClientError {
            code: None,
            message: "Cannot reach the server.".into(),
        };
        assert_eq!(failure(&uncoded), "transport");
    }

    #[tokio::test]
    async fn a_call_is_timed_from_its_slot() {
        let root = "http://127.0.0.1:1/";
        let http = Http::new(root, &Trust::platform(root), Arc::new(Recorder::new()));
        assert_eq!(http.root(), "http://127.0.0.1:1");
        let due = Instant::now();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let out = http.timed("status", Some(due), async { Ok(7) }).await;
        assert_eq!(out, Ok(7));
        let m = http.recorder().snapshot();
        assert_eq!(m.latency["status"].count, 1);
        // Late by the 20 ms the slot waited, though the call took none.
        assert!(m.latency["status"].max_ms >= 19.0, "{m:?}");
        assert!(m.service.max_ms < 19.0, "{m:?}");
    }
}

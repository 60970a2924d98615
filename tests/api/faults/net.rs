//! A client that survives the server dying under it, as a real one would:
//! every request is retried while the connection fails (the server was
//! killed and is coming back, perhaps on another port), and the server's
//! address is shared so a restart moves every player at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::support::{Player, Reply, to_reply};

/// How long one request may keep failing to connect before the test gives
/// up: far more than a restart takes, so only a server that never comes
/// back ends the test here.
const GIVE_UP: Duration = Duration::from_secs(90);
const RETRY_PAUSE: Duration = Duration::from_millis(25);

/// Counters of what the clients did, for the run's figures.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests that got an answer.
    pub answered: AtomicU64,
    /// Attempts that failed at the connection (server down) and were retried.
    pub retried: AtomicU64,
}

/// The address of the server players talk to, and their shared HTTP client.
#[derive(Debug, Clone)]
pub struct Net {
    base: Arc<RwLock<String>>,
    client: reqwest::Client,
    pub counters: Arc<Counters>,
}

impl Net {
    pub fn new(base: &str) -> Net {
        crate::support::tls::install_provider();
        Net {
            base: Arc::new(RwLock::new(base.to_owned())),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            counters: Arc::new(Counters::default()),
        }
    }

    /// Points every player at a restarted server.
    pub fn set_base(&self, base: &str) {
        base.clone_into(&mut self.base.write().expect("base lock"));
    }

    pub fn base(&self) -> String {
        self.base.read().expect("base lock").clone()
    }

    /// Sends until the server answers. A 5xx answer fails the test: a
    /// crash must never make the server answer with an internal error.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let started = tokio::time::Instant::now();
        loop {
            let mut req = self
                .client
                .request(method.clone(), format!("{}{path}", self.base()));
            if let Some(token) = token {
                req = req.bearer_auth(token);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            // A reply cut off mid-body (success without a body) is a
            // connection failure too: the server died while answering.
            let reply = match req.send().await {
                Ok(resp) => Some(to_reply(resp).await),
                Err(_) => None,
            };
            if let Some(reply) = &reply {
                assert!(
                    !reply.status.is_server_error(),
                    "{method} {path} answered {}: {}",
                    reply.status,
                    reply.body
                );
            }
            match reply {
                Some(reply) if !(reply.status.is_success() && reply.body.is_null()) => {
                    self.counters.answered.fetch_add(1, Ordering::Relaxed);
                    return reply;
                }
                _ => {
                    self.counters.retried.fetch_add(1, Ordering::Relaxed);
                    assert!(
                        started.elapsed() < GIVE_UP,
                        "{method} {path}: no answer for {GIVE_UP:?}"
                    );
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
            }
        }
    }

    pub async fn get(&self, path: &str, who: &Player) -> Reply {
        self.call(Method::GET, path, Some(&who.token), None).await
    }

    pub async fn post(&self, path: &str, who: &Player, body: &Value) -> Reply {
        self.call(Method::POST, path, Some(&who.token), Some(body))
            .await
    }

    pub async fn post_empty(&self, path: &str, who: &Player) -> Reply {
        self.call(Method::POST, path, Some(&who.token), None).await
    }

    /// A new guest account.
    pub async fn guest(&self) -> Player {
        let reply = self.call(Method::POST, "/player/guest", None, None).await;
        let auth: party_protocol::account::AuthResponse = reply.ok();
        Player {
            id: auth.player_id,
            username: auth.username,
            token: auth.access_token,
            refresh_token: auth.refresh_token,
        }
    }

    /// The ledger audit, asserted balanced; returns it for the figures.
    pub async fn assert_conserved(&self) -> Value {
        let audit: Value = self.call(Method::GET, "/test/audit", None, None).await.ok();
        for field in [
            "sum",
            "mismatched_players",
            "mismatched_pools",
            "mismatched_entries",
        ] {
            assert_eq!(audit[field], 0, "ledger audit fails on {field}: {audit}");
        }
        audit
    }

    /// Moves the manual clock forward (runs the sweeper).
    pub async fn advance(&self, seconds: i64) {
        let _: Value = self
            .call(
                Method::POST,
                "/test/clock",
                None,
                Some(&serde_json::json!({ "seconds": seconds })),
            )
            .await
            .ok();
    }
}

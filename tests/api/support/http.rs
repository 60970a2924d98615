//! Talking to a server over HTTP as a client would: requests and their
//! replies, and the account calls every scenario starts with (guests,
//! registration, token refresh, balances).

use party_protocol::account::AuthResponse;
use party_protocol::{ErrorCode, PlayerId};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::TestApp;

/// A signed-in player.
#[derive(Debug, Clone)]
pub struct Player {
    pub id: PlayerId,
    pub username: String,
    pub token: String,
    pub refresh_token: String,
}

/// A response: status and JSON body (Null when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Reply {
    /// Asserts success and deserializes the body.
    #[track_caller]
    pub fn ok<T: serde::de::DeserializeOwned>(&self) -> T {
        assert!(
            self.status.is_success(),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("bad body {}: {e}", self.body))
    }

    /// Asserts an error with this code and the code's documented status.
    #[track_caller]
    pub fn err(&self, code: ErrorCode) -> &str {
        assert_eq!(
            self.body["error"].as_str(),
            Some(code.as_str()),
            "expected {code}, got {} {}",
            self.status,
            self.body
        );
        assert_eq!(
            self.status.as_u16(),
            code.http_status(),
            "status for {code}: {}",
            self.body
        );
        let message = self.body["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty(),
            "error without a message: {}",
            self.body
        );
        message
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {path} failed: {e}"));
        to_reply(resp).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// POST without a body.
    pub async fn post_empty(&self, path: &str, token: &str) -> Reply {
        self.request(reqwest::Method::POST, path, Some(token), None)
            .await
    }

    /// POST with a raw body and content type.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        to_reply(req.send().await.expect("request")).await
    }

    pub async fn guest(&self) -> Player {
        let reply = self
            .request(reqwest::Method::POST, "/player/guest", None, None)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        player_from(&reply.ok())
    }

    pub async fn guests(&self, n: usize) -> Vec<Player> {
        let mut players = Vec::with_capacity(n);
        for _ in 0..n {
            players.push(self.guest().await);
        }
        players
    }

    pub async fn register(&self, username: &str, password: &str) -> Player {
        let reply = self
            .request(
                reqwest::Method::POST,
                "/player",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        player_from(&reply.ok())
    }

    /// Rotates a player's tokens through `POST /auth/refresh`. Access tokens
    /// live 120 minutes of server time, so a test that moves the clock
    /// further calls this afterwards.
    pub async fn refresh(&self, player: &mut Player) {
        let body: Value = self
            .request(
                reqwest::Method::POST,
                "/auth/refresh",
                None,
                Some(json!({"refresh_token": player.refresh_token})),
            )
            .await
            .ok();
        player.token = body["access_token"].as_str().expect("access_token").into();
        player.refresh_token = body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .into();
    }

    /// (wallet, vault) of a player.
    pub async fn balances(&self, player: &Player) -> (i64, i64) {
        let body = self
            .get("/player/balance", &player.token)
            .await
            .ok::<Value>();
        (
            body["wallet"].as_i64().expect("wallet"),
            body["vault"].as_i64().expect("vault"),
        )
    }
}

/// Reads a response as a [`Reply`].
pub async fn to_reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        body,
        retry_after,
    }
}

fn player_from(auth: &AuthResponse) -> Player {
    Player {
        id: auth.player_id,
        username: auth.username.clone(),
        token: auth.access_token.clone(),
        refresh_token: auth.refresh_token.clone(),
    }
}

/// Signs the players in again (access tokens live two hours; tests that
/// move the clock further refresh them, as a client would).
pub async fn sign_in_again(app: &TestApp, players: &mut [Player]) {
    for p in players {
        app.refresh(p).await;
    }
}

//! The test harness: starts the real `party-server` binary on port 0 over a
//! fresh database (a temporary SQLite file, or a new PostgreSQL database
//! when `PARTY_TEST_POSTGRES_URL` is set) and talks to it over HTTP, as a
//! client would. Server logs are shown only with `TEST_LOG=1`.

#![allow(dead_code)] // each test module uses a different part of the harness

pub mod phrases;
pub mod play;

use std::process::Stdio;
use std::time::Duration;

use party_protocol::account::AuthResponse;
use party_protocol::{ErrorCode, PlayerId};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// Admin URL of a PostgreSQL server; each app gets its own database on it.
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend, when `PARTY_TEST_POSTGRES_URL` is set.
    pub fn postgres() -> Option<Backend> {
        std::env::var("PARTY_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .map(Backend::Postgres)
    }
}

/// Options for starting a server.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Rule overrides, written to a rules file.
    pub rules: Option<Value>,
    /// Keep the per-IP and per-player rate limits on.
    pub rate_limits: bool,
    /// Extra environment variables for the server process (for example
    /// `PARTY_MODE=off`), applied after the harness's own, so they win.
    pub env: Vec<(String, String)>,
}

/// A running server with its own database.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub backend: Backend,
    pub database_url: String,
    child: Option<Child>,
    options: AppOptions,
    dir: tempfile::TempDir,
    pg_admin: Option<(String, String)>,
}

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

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, AppOptions::default()).await
}

/// A server with these rule overrides (a JSON object of game-rules fields).
pub async fn spawn_app_with_rules(backend: Backend, rules: Value) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            rules: Some(rules),
            ..AppOptions::default()
        },
    )
    .await
}

pub async fn spawn_app_with(backend: Backend, options: AppOptions) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_admin) = match &backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("party.db").display()),
            None,
        ),
        Backend::Postgres(admin) => {
            let name = format!("qf_test_{}", uuid::Uuid::new_v4().simple());
            create_pg_database(admin, &name).await;
            (with_database(admin, &name), Some((admin.clone(), name)))
        }
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut app = TestApp {
        base: String::new(),
        client,
        backend,
        database_url,
        child: None,
        options,
        dir,
        pg_admin,
    };
    app.start().await;
    app
}

impl TestApp {
    /// Starts (or restarts) the server process on the app's database.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_party-server"));
        cmd.env("PARTY_BIND", "127.0.0.1:0")
            .env("PARTY_DATABASE_URL", &self.database_url)
            .env("PARTY_MANUAL_CLOCK", "true")
            .env(
                "PARTY_RATE_LIMITS",
                if self.options.rate_limits {
                    "on"
                } else {
                    "off"
                },
            )
            .env(
                "RUST_LOG",
                std::env::var("TEST_LOG").map_or("warn", |_| "info,sqlx=warn"),
            )
            .env_remove("PARTY_RULES")
            .env_remove("PARTY_MODE")
            .stdout(Stdio::piped())
            .stderr(if std::env::var("TEST_LOG").is_ok() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true);
        for (key, value) in &self.options.env {
            cmd.env(key, value);
        }
        if let Some(rules) = &self.options.rules {
            let path = self.dir.path().join("rules.json");
            std::fs::write(&path, rules.to_string()).expect("rules file");
            cmd.env("PARTY_RULES", path);
        }
        let mut child = cmd.spawn().expect("start party-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("server did not start within 60 s")
            .expect("read stdout")
            .expect("server exited before listening");
        let (_, url) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        self.base = format!("{url}/qf");
        self.child = Some(child);
    }

    /// A second server process on the same database (scale-out): it does
    /// not own the database, so dropping it removes nothing.
    pub async fn sibling(&self) -> TestApp {
        let mut other = TestApp {
            base: String::new(),
            client: self.client.clone(),
            backend: self.backend.clone(),
            database_url: self.database_url.clone(),
            child: None,
            options: self.options.clone(),
            dir: tempfile::tempdir().expect("temp dir"),
            pg_admin: None,
        };
        other.start().await;
        other
    }

    /// The server process id (to read its memory use).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Kills the server with SIGKILL, as a crash would: nothing is cleaned up.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Stops the server with SIGTERM and waits for it to exit.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                let _ = std::process::Command::new("kill")
                    .arg("-TERM")
                    .arg(pid.to_string())
                    .status();
            }
            let _ = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
        }
    }

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

    /// Moves the server's clock forward and runs the sweeper once.
    pub async fn advance(&self, seconds: i64) -> Value {
        let reply = self
            .request(
                reqwest::Method::POST,
                "/test/clock",
                None,
                Some(json!({"seconds": seconds})),
            )
            .await;
        reply.ok()
    }

    /// The ledger audit.
    pub async fn audit(&self) -> Value {
        self.request(reqwest::Method::GET, "/test/audit", None, None)
            .await
            .ok()
    }

    /// Asserts that no coin was created or destroyed: wallets + vaults +
    /// pools + house sum to zero, and every stored balance matches the ledger.
    pub async fn assert_conserved(&self) {
        let audit = self.audit().await;
        assert_eq!(audit["sum"], 0, "coins created or destroyed: {audit}");
        assert_eq!(
            audit["mismatched_players"], 0,
            "balances differ from the ledger: {audit}"
        );
        assert_eq!(
            audit["mismatched_pools"], 0,
            "pools differ from the ledger: {audit}"
        );
        assert_eq!(
            audit["mismatched_entries"], 0,
            "ledger rows record balances their history does not give: {audit}"
        );
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        if let Some((admin, name)) = self.pg_admin.take() {
            // Drop the throwaway database on a separate thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(mut conn) = pg_connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut conn)
                                .await;
                    }
                });
            })
            .join();
        }
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

async fn pg_connect(url: &str) -> Result<sqlx::PgConnection, sqlx::Error> {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await
}

async fn create_pg_database(admin: &str, name: &str) {
    let mut conn = pg_connect(admin)
        .await
        .expect("connect to PARTY_TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
}

/// `admin` with its database name replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Runs each listed scenario as two tests: on SQLite, and on PostgreSQL
/// when `PARTY_TEST_POSTGRES_URL` is set (the CI script always sets it).
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario($crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    match $crate::support::Backend::postgres() {
                        Some(backend) => super::$scenario(backend).await,
                        None => eprintln!("skipped: PARTY_TEST_POSTGRES_URL is not set"),
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced_in_postgres_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}

/// A WebSocket client of the party socket.
pub mod ws {
    use std::fmt::Write as _;
    use std::time::Duration;

    use futures::{SinkExt, StreamExt};
    use party_protocol::party_ws::ServerMessage;
    use serde_json::Value;
    use tokio::net::TcpStream;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
    use uuid::Uuid;

    use super::{Player, TestApp};

    pub struct WsClient {
        pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
        /// Every server message received, in order.
        pub received: Vec<ServerMessage>,
    }

    /// What a socket did instead of delivering a message.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Ended {
        Closed(Option<u16>),
        TimedOut,
    }

    impl TestApp {
        pub fn ws_url(&self, session: Uuid, token: Option<&str>, since: Option<i64>) -> String {
            let base = self.base.replacen("http://", "ws://", 1);
            let mut url = format!("{base}/party/{session}/ws");
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
            session: Uuid,
            since: Option<i64>,
        ) -> WsClient {
            let token = self.ws_token(player).await;
            self.ws_connect_raw(&self.ws_url(session, Some(&token), since))
                .await
        }

        pub async fn ws_connect_raw(&self, url: &str) -> WsClient {
            let (stream, _) = tokio_tungstenite::connect_async(url)
                .await
                .expect("websocket handshake");
            WsClient {
                stream,
                received: Vec::new(),
            }
        }
    }

    impl WsClient {
        /// The next server message within `wait`, answering pings on the way.
        pub async fn next(&mut self, wait: Duration) -> Result<ServerMessage, Ended> {
            let deadline = tokio::time::Instant::now() + wait;
            loop {
                let Ok(frame) = tokio::time::timeout_at(deadline, self.stream.next()).await else {
                    return Err(Ended::TimedOut);
                };
                match frame {
                    Some(Ok(Message::Text(text))) => {
                        let msg: ServerMessage = serde_json::from_str(text.as_str())
                            .unwrap_or_else(|e| panic!("bad server message {text}: {e}"));
                        self.received.push(msg.clone());
                        return Ok(msg);
                    }
                    Some(Ok(Message::Close(frame))) => {
                        return Err(Ended::Closed(frame.map(|f| u16::from(f.code))));
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return Err(Ended::Closed(None)),
                }
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
}

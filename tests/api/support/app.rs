//! Starting and stopping servers: the real `party-server` binary on port 0
//! over a fresh database (a temporary SQLite file, or a new PostgreSQL
//! database when `PARTY_TEST_POSTGRES_URL` is set), restarts, crashes, a
//! second instance on the same database, and the server's manual clock.

use std::process::Stdio;
use std::time::Duration;

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
    /// Write the server's stderr (its logs) to a file that
    /// [`TestApp::server_log`] reads, instead of discarding it.
    pub capture_logs: bool,
    /// Client TLS settings for a server started with `--tls-cert` (set
    /// through `env`): the harness's HTTP client and sockets use them.
    pub client_tls: Option<std::sync::Arc<rustls::ClientConfig>>,
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
    // The workspace links rustls without a default provider: name it.
    super::tls::install_provider();
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(30));
    if let Some(config) = &options.client_tls {
        builder = builder.tls_backend_preconfigured((**config).clone());
    }
    let client = builder.build().expect("client");
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
        // The server reads its settings from `PARTY_*` variables: none of
        // the developer's may reach it, only the harness's own below.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PARTY_") {
                cmd.env_remove(key);
            }
        }
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
            .stdout(Stdio::piped())
            .stderr(if self.options.capture_logs {
                Stdio::from(std::fs::File::create(self.log_path()).expect("log file"))
            } else if std::env::var("TEST_LOG").is_ok() {
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

    /// Where the server's stderr goes with [`AppOptions::capture_logs`].
    fn log_path(&self) -> std::path::PathBuf {
        self.dir.path().join("server.log")
    }

    /// What the server has logged so far (with [`AppOptions::capture_logs`]).
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.log_path()).expect("server log (is capture_logs set?)")
    }

    /// The client TLS settings of a server that speaks TLS.
    pub fn tls_config(&self) -> Option<std::sync::Arc<rustls::ClientConfig>> {
        self.options.client_tls.clone()
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

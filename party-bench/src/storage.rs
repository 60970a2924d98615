//! The storage ceiling: how many single-row write transactions per second
//! the database does on this machine. Each transaction is `BEGIN; UPDATE
//! bench_writes SET n = n + 1 WHERE id = $1; COMMIT` on a scratch table,
//! every worker on its own row (as parties touch their own rows), for a
//! fixed time.
//!
//! [`Via::Server`] (the default) writes through the server's own store —
//! the same pools, connection settings and transaction path as a game
//! write (SQLite: rusqlite inline on the one writer, `BEGIN IMMEDIATE`;
//! PostgreSQL: sqlx, a pool of 16). [`Via::Sqlx`] writes through sqlx's
//! drivers with the server's former SQLite settings, the path the figures
//! before 2026-12-07 were measured on.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqlitePoolOptions;
use tokio::task::JoinSet;
use tokio::time::Instant;

use party_server::store::{Backend, Store};

use crate::stats::{Recorder, Summary};

/// The server's PostgreSQL pool size (`party_server::store`).
pub const SERVER_PG_POOL: u32 = 16;

#[derive(Debug, Clone)]
pub struct StorageConfig {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    pub database_url: String,
    pub duration: Duration,
    /// Concurrent writers (tasks): SQLite queues them on its one writer
    /// connection like the server does; PostgreSQL gives each a connection
    /// up to the server's pool size.
    pub workers: usize,
    /// Keep the scratch table afterwards.
    pub keep: bool,
    pub via: Via,
}

/// Which write path the transactions take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The server's store (`party_server::store`): what a game write does.
    Server,
    /// sqlx's drivers directly (SQLite on its own thread per connection).
    Sqlx,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageReport {
    pub benchmark: String,
    pub database: String,
    /// The URL without a password.
    pub database_url: String,
    /// The write path measured.
    pub via: Via,
    pub seconds: f64,
    pub workers: usize,
    pub connections: u32,
    pub transactions: u64,
    pub errors: u64,
    pub tx_per_second: f64,
    /// Per transaction, BEGIN to COMMIT done.
    pub latency: Summary,
}

const CREATE: &str =
    "CREATE TABLE IF NOT EXISTS bench_writes (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)";
const SEED: &str = "INSERT INTO bench_writes (id, n) VALUES ($1, 0) ON CONFLICT (id) DO NOTHING";
const WRITE: &str = "UPDATE bench_writes SET n = n + 1 WHERE id = $1";
const DROP: &str = "DROP TABLE IF EXISTS bench_writes";

/// Creates the scratch table and one row per worker.
macro_rules! prepare {
    ($pool:expr, $workers:expr) => {{
        sqlx::query(CREATE).execute($pool).await?;
        for w in 0..$workers {
            sqlx::query(SEED).bind(w as i64 + 1).execute($pool).await?;
        }
    }};
}

/// Runs the storage benchmark.
pub async fn run(cfg: &StorageConfig) -> anyhow::Result<StorageReport> {
    let url = cfg.database_url.as_str();
    let workers = cfg.workers.max(1);
    let recorder = Arc::new(Recorder::new());
    let (database, connections, elapsed) = if cfg.via == Via::Server {
        via_server(cfg, workers, &recorder).await?
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let connections = (workers as u32).min(SERVER_PG_POOL);
        let pool = PgPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(PgConnectOptions::from_str(url)?)
            .await?;
        prepare!(&pool, workers);
        let shared = pool.clone();
        let elapsed = write_for(cfg.duration, workers, &recorder, move |w| {
            let pool = shared.clone();
            async move {
                let mut tx = pool.begin().await?;
                sqlx::query(WRITE).bind(w).execute(&mut *tx).await?;
                tx.commit().await
            }
        })
        .await;
        if !cfg.keep {
            sqlx::query(DROP).execute(&pool).await?;
        }
        pool.close().await;
        ("postgres", connections, elapsed)
    } else if url.starts_with("sqlite:") {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(party_server::store::sqlite_options(url)?)
            .await?;
        prepare!(&pool, workers);
        let shared = pool.clone();
        let elapsed = write_for(cfg.duration, workers, &recorder, move |w| {
            let pool = shared.clone();
            async move {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query(WRITE).bind(w).execute(&mut *tx).await?;
                tx.commit().await
            }
        })
        .await;
        if !cfg.keep {
            sqlx::query(DROP).execute(&pool).await?;
        }
        pool.close().await;
        ("sqlite", 1, elapsed)
    } else {
        anyhow::bail!("unsupported database URL (use sqlite:// or postgres://): {url}");
    };
    let m = recorder.snapshot();
    let transactions = m.requests - m.error_total();
    Ok(StorageReport {
        benchmark: "storage-ceiling".into(),
        database: database.into(),
        database_url: party_server::config::redact_url(url),
        via: cfg.via,
        seconds: (elapsed.as_secs_f64() * 100.0).round() / 100.0,
        workers,
        connections,
        transactions,
        errors: m.error_total(),
        tx_per_second: (transactions as f64 / elapsed.as_secs_f64()).round(),
        latency: m.overall,
    })
}

/// Runs `write(row)` in a loop on each of `workers` tasks (worker `i` on
/// row `i + 1`) for `duration`, recording every transaction; returns how
/// long it took until the last one finished.
async fn write_for<F, Fut, E>(
    duration: Duration,
    workers: usize,
    recorder: &Arc<Recorder>,
    write: F,
) -> Duration
where
    F: Fn(i64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for w in 0..workers {
        let (rec, stop, write) = (recorder.clone(), stop.clone(), write.clone());
        let row = w as i64 + 1;
        tasks.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = write(row).await.is_ok();
                record(&rec, ok, t.elapsed());
            }
        });
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    while tasks.join_next().await.is_some() {}
    started.elapsed()
}

/// The ceiling through the server's own store.
async fn via_server(
    cfg: &StorageConfig,
    workers: usize,
    recorder: &Arc<Recorder>,
) -> anyhow::Result<(&'static str, u32, Duration)> {
    let store = Store::connect(&cfg.database_url).await?;
    let mut tx = store.begin().await?;
    tx.query(CREATE).execute().await?;
    for w in 0..workers {
        tx.query(SEED).bind(w as i64 + 1).execute().await?;
    }
    tx.commit().await?;
    let shared = store.clone();
    let elapsed = write_for(cfg.duration, workers, recorder, move |w| {
        let store = shared.clone();
        async move {
            let mut tx = store.begin().await?;
            tx.query(WRITE).bind(w).execute().await?;
            tx.commit().await
        }
    })
    .await;
    if !cfg.keep {
        let mut tx = store.begin().await?;
        tx.query(DROP).execute().await?;
        tx.commit().await?;
    }
    store.close().await;
    Ok(match store.backend() {
        Backend::Sqlite => ("sqlite", 1, elapsed),
        Backend::Postgres => ("postgres", (workers as u32).min(SERVER_PG_POOL), elapsed),
    })
}

fn record(rec: &Recorder, ok: bool, took: Duration) {
    rec.request("write_tx", Instant::now(), took, took);
    if !ok {
        rec.error("write_tx");
    }
}

/// The table the human reads.
pub fn table(r: &StorageReport) -> String {
    format!(
        "storage ceiling ({}, {}, via {:?}): {} single-row write transactions in {:.1} s with {} workers on {} connection(s)\n  {:.0} tx/s; latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {}\n",
        r.database,
        r.database_url,
        r.via,
        r.transactions,
        r.seconds,
        r.workers,
        r.connections,
        r.tx_per_second,
        r.latency.p50_ms,
        r.latency.p95_ms,
        r.latency.p99_ms,
        r.latency.max_ms,
        r.errors
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_writes_are_counted_on_both_paths() {
        for via in [Via::Server, Via::Sqlx] {
            let dir = tempfile::tempdir().unwrap();
            let report = run(&StorageConfig {
                database_url: format!("sqlite://{}", dir.path().join("s.db").display()),
                duration: Duration::from_millis(300),
                workers: 4,
                keep: false,
                via,
            })
            .await
            .unwrap();
            assert_eq!(report.database, "sqlite");
            assert_eq!(report.via, via);
            assert_eq!(report.errors, 0);
            assert!(report.transactions > 10, "{report:?}");
            assert!(report.tx_per_second > 0.0);
        }
    }
}

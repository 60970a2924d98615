//! Storage: one interface, two databases.
//!
//! [`Store`] is a connection pool (SQLite or PostgreSQL) and [`Tx`] an open
//! transaction on it. Everything the game reads or writes is a method on
//! `Tx`, grouped by table in the submodules. The SQL text is shared — sqlx
//! accepts `$N` placeholders on both databases, times are integer
//! milliseconds and ids are UUIDs on both — and [`on_conn!`] runs the same
//! statement on whichever connection the transaction holds, so each query
//! is written once and type-checked against both drivers. Where the
//! dialects differ (row locks, DDL) the code says so. Each database has its
//! own migrations folder under `migrations/`.
//!
//! Rows hold enums, not the strings stored for them: text columns are
//! parsed as they are read (`decode.rs`), an unknown value being an
//! internal error. Which constraint a failed write violated is told by
//! its name (`constraint.rs`), never by the error's text.
//!
//! SQLite runs with WAL, `synchronous=NORMAL`, foreign keys and a busy
//! timeout, one writer connection (so write transactions queue in process
//! instead of fighting over the file lock) and a separate pool of readers.

mod constraint;
mod decode;
mod house;
mod ledger;
mod party;
mod phrasesets;
mod players;
mod presence;
mod rounds;

use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool};
use uuid::Uuid;

pub use constraint::{Constraint, violated, violates};
pub(crate) use decode::{enum_column, from_row, parse_text};
pub use house::{HOUSE_COPIERS, HOUSE_WRITER, HouseKey, HouseRounds};
pub use ledger::{Account, LedgerAudit, SplitPayout, Transfer};
pub use party::{
    AssignmentKind, AssignmentRow, AssignmentStatus, MoneyRow, NewSession, ParticipantRow,
    SessionRow, SubmissionKind, VoteStatsRow,
};
pub use phrasesets::{PhrasesetRow, PhrasesetStatus, VoteRow};
pub use players::{PlayerRow, RefreshUse, TokenKind};
pub use rounds::{NewRound, RoundRow};

use crate::error::{Error, Result};

/// Runs `$body` with `$conn` bound to the transaction's connection, whichever
/// database it is on. The body is compiled once per driver.
macro_rules! on_conn {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::store::Conn::Sqlite(inner) => {
                let $conn = &mut **inner;
                $body
            }
            $crate::store::Conn::Postgres(inner) => {
                let $conn = &mut **inner;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

/// Like [`on_conn!`] for statements run with `execute`: yields the number
/// of rows affected (the two drivers' result types differ).
macro_rules! exec_on {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::store::Conn::Sqlite(inner) => {
                let $conn = &mut **inner;
                $body.map(|r| r.rows_affected())
            }
            $crate::store::Conn::Postgres(inner) => {
                let $conn = &mut **inner;
                $body.map(|r| r.rows_affected())
            }
        }
    };
}
pub(crate) use exec_on;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A pool of connections to the game database.
#[derive(Debug, Clone)]
pub struct Store {
    pools: Pools,
    /// Told which parties a committed transaction changed (set once at start-up).
    hook: Arc<OnceLock<Arc<dyn CommitHook>>>,
}

#[derive(Debug, Clone)]
enum Pools {
    Sqlite {
        /// Exactly one connection: SQLite allows one writer at a time, and
        /// queueing here is cheaper than retrying on `SQLITE_BUSY`.
        writer: SqlitePool,
        readers: SqlitePool,
    },
    Postgres(PgPool),
}

/// Learns, after each commit, which parties got new events.
pub trait CommitHook: Send + Sync + std::fmt::Debug {
    /// Called right after a successful commit; must not block.
    fn committed(&self, parties: &[Uuid]);
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls it back.
#[derive(Debug)]
pub struct Tx {
    conn: Conn,
    /// Parties whose event log this transaction appended to.
    touched: Vec<Uuid>,
    hook: Option<Arc<dyn CommitHook>>,
    /// When the transaction began (for the latency metric).
    started: std::time::Instant,
}

/// The connection a transaction runs on.
#[derive(Debug)]
pub enum Conn {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// The PostgreSQL channel that carries "party P has new events" between
/// server instances; the payload is only the party id, the events table
/// holds the data.
pub const EVENTS_CHANNEL: &str = "qf_party_events";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// SQLite pool settings shared by the writer and the readers.
///
/// sqlx's SQLite driver is not cancel-safe at `BEGIN`: when a request future
/// is dropped (its client hung up) after the worker thread ran `BEGIN` but
/// before the acknowledgement was read, no `Transaction` exists to roll it
/// back, and the connection goes back to the pool still inside a
/// transaction. Every later `BEGIN IMMEDIATE` on it then fails — with one
/// writer connection, every write of the server would. (Requests now run to
/// completion, see `http::detach`, but background tasks can still be
/// cancelled.) So a connection is checked as it leaves the pool: the
/// driver's transaction depth is an atomic the worker thread keeps, so the
/// usual case costs a load; only a connection that still looks inside a
/// transaction gets a ping, which flushes any rollback a dropped
/// `Transaction` queued, and one still inside a transaction after it is
/// closed (SQLite rolls back on close) and replaced by a fresh one.
///
/// Checking on acquire rather than on release keeps a round trip to the
/// worker thread off every transaction's path through the single writer.
fn sqlite_pool() -> SqlitePoolOptions {
    SqlitePoolOptions::new().before_acquire(|conn, _meta| {
        Box::pin(async move {
            if !conn.is_in_transaction() {
                return Ok(true);
            }
            conn.ping().await?;
            let clean = !conn.is_in_transaction();
            if !clean {
                tracing::warn!("SQLite connection left inside a transaction; replacing it");
            }
            Ok(clean)
        })
    })
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating the SQLite
    /// file and its directory if needed, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Pools::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            if let Some(dir) = options
                .get_filename()
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::internal(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let writer = sqlite_pool()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await?;
            SQLITE_MIGRATIONS.run(&writer).await?;
            let readers = sqlite_pool()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                // Not opened read-only: a read-only connection to a WAL
                // database can fail with SQLITE_READONLY_CANTINIT/RECOVERY
                // when the shared-memory index needs (re)building. The
                // readers only ever run reads; the writer pool is the one writer.
                .connect_with(options)
                .await?;
            Pools::Sqlite { writer, readers }
        } else {
            return Err(Error::internal(format!(
                "unsupported database URL (use sqlite:// or postgres://): {url}"
            )));
        };
        Ok(Store {
            pools: store,
            hook: Arc::new(OnceLock::new()),
        })
    }

    /// Installs the hook told about committed party events (once).
    pub fn set_commit_hook(&self, hook: Arc<dyn CommitHook>) {
        let _ = self.hook.set(hook);
    }

    pub fn backend(&self) -> Backend {
        match &self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// The PostgreSQL pool, for LISTEN (none on SQLite).
    pub fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pools {
            Pools::Postgres(pool) => Some(pool),
            Pools::Sqlite { .. } => None,
        }
    }

    fn wrap(&self, conn: Conn) -> Tx {
        Tx {
            conn,
            touched: Vec::new(),
            hook: self.hook.get().cloned(),
            started: std::time::Instant::now(),
        }
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.pools {
            // IMMEDIATE takes the write lock up front, so a transaction that
            // reads and then writes can never fail half-way on a lock upgrade.
            Pools::Sqlite { writer, .. } => {
                Conn::Sqlite(writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Postgres(pool) => Conn::Postgres(pool.begin().await?),
        };
        Ok(self.wrap(conn))
    }

    /// Begins a read-only transaction on one consistent snapshot.
    pub async fn read(&self) -> Result<Tx> {
        let conn = match &self.pools {
            Pools::Sqlite { readers, .. } => Conn::Sqlite(readers.begin().await?),
            // Repeatable read: every statement of the transaction sees the
            // same snapshot, so a status and its event sequence agree.
            Pools::Postgres(pool) => Conn::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(self.wrap(conn))
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        exec_on!(&mut tx, conn => sqlx::query("SELECT 1").execute(conn).await)?;
        Ok(())
    }

    /// Closes every connection (on shutdown, after in-flight requests finish).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { writer, readers } => {
                readers.close().await;
                writer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Commits. On PostgreSQL the parties that got events are announced on
    /// [`EVENTS_CHANNEL`] inside the transaction (NOTIFY is delivered only
    /// if the commit succeeds); after the commit the local hook is told.
    pub async fn commit(mut self) -> Result<()> {
        self.touched.sort_unstable();
        self.touched.dedup();
        match self.conn {
            Conn::Sqlite(tx) => tx.commit().await?,
            Conn::Postgres(mut tx) => {
                for party in &self.touched {
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(EVENTS_CHANNEL)
                        .bind(party.to_string())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
        metrics::histogram!("db_transaction_duration_seconds")
            .record(self.started.elapsed().as_secs_f64());
        if let Some(hook) = &self.hook
            && !self.touched.is_empty()
        {
            hook.committed(&self.touched);
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// Notes that this transaction appended events for `party`.
    pub(crate) fn touch_party(&mut self, party: Uuid) {
        self.touched.push(party);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Millis;

    /// A connection handed back to the pool inside a transaction — what a
    /// request cancelled at `BEGIN` leaves behind — must not break the writer.
    #[tokio::test]
    async fn a_connection_returned_inside_a_transaction_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let Pools::Sqlite { writer, .. } = &store.pools else {
            unreachable!("a sqlite URL gives SQLite pools")
        };
        {
            let mut conn = writer.acquire().await.unwrap();
            let stuck = conn.begin_with("BEGIN IMMEDIATE").await.unwrap();
            // No rollback is ever queued: the state a cancelled BEGIN leaves.
            std::mem::forget(stuck);
            assert!(conn.is_in_transaction());
        }
        let tx = store.begin().await.expect("the writer still begins");
        tx.commit().await.unwrap();
        let tx = store.begin().await.expect("and again");
        tx.commit().await.unwrap();
    }

    /// A fresh SQLite store holding one player, the host of the lobbies the
    /// tests below open (the directory must outlive the store).
    async fn store_with_host() -> (tempfile::TempDir, Store, party_protocol::PlayerId) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        let host = party_protocol::PlayerId::new();
        let mut tx = store.begin().await.unwrap();
        tx.insert_player(host, "Host", None, None, true, false, Millis(1))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (dir, store, host)
    }

    /// A lobby of the default size and quotas.
    fn lobby_of(host: party_protocol::PlayerId, session: Uuid, code: &str) -> party::NewSession {
        party::NewSession {
            session_id: session,
            party_code: code.to_owned(),
            host,
            min_players: 3,
            max_players: 8,
            prompts_per_player: 1,
            copies_per_player: 2,
            votes_per_player: 3,
            phase_seconds: None,
        }
    }

    /// Two lobbies drawing the same code: the second insert reports the
    /// clash (so the caller draws again) instead of failing the request.
    #[tokio::test]
    async fn a_taken_party_code_is_reported_not_raised() {
        let (_dir, store, host) = store_with_host().await;
        let mut tx = store.begin().await.unwrap();
        let lobby = |code: &str| lobby_of(host, Uuid::new_v4(), code);
        assert!(
            tx.insert_session(&lobby("ABCD2345"), Millis(1))
                .await
                .unwrap()
        );
        assert!(
            !tx.insert_session(&lobby("ABCD2345"), Millis(2))
                .await
                .unwrap()
        );
        assert!(
            tx.insert_session(&lobby("ABCD2346"), Millis(2))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }

    /// A status the code does not know is an internal error naming the
    /// table, the column and the value — not read as some other status.
    #[tokio::test]
    async fn an_unknown_enum_value_in_a_row_is_an_internal_error() {
        let (_dir, store, host) = store_with_host().await;
        let session = Uuid::new_v4();
        let mut tx = store.begin().await.unwrap();
        let lobby = lobby_of(host, session, "ABCD2345");
        assert!(tx.insert_session(&lobby, Millis(1)).await.unwrap());
        let read = tx.session(session).await.unwrap().unwrap();
        assert_eq!(read.phase(), party_protocol::party::PartyPhase::Lobby);
        // The CHECK constraints keep such a value out; switch them off to
        // stand for a row written by another version of the server.
        exec_on!(tx, conn => sqlx::query("PRAGMA ignore_check_constraints = ON").execute(conn).await)
            .unwrap();
        exec_on!(tx, conn => sqlx::query(
            "UPDATE party_sessions SET current_phase = 'INTERMISSION' WHERE session_id = $1")
            .bind(session)
            .execute(conn)
            .await)
        .unwrap();
        let err = tx.session(session).await.unwrap_err();
        let Error::Internal(message) = &err else {
            panic!("expected an internal error, got {err:?}");
        };
        assert!(
            message.contains("party_sessions.current_phase") && message.contains("INTERMISSION"),
            "{message}"
        );
        assert_eq!(err.code(), party_protocol::ErrorCode::InternalError);
        let err = tx.parties_by_phase().await.unwrap_err();
        assert!(
            matches!(&err, Error::Internal(m) if m.contains("party_sessions.current_phase")),
            "{err:?}"
        );
    }
}

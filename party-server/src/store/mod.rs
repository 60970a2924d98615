//! Storage: one interface, two databases.
//!
//! [`Store`] is a connection pool (SQLite or PostgreSQL) and [`Tx`] an open
//! transaction on it. Everything the game reads or writes is a method on
//! `Tx`, grouped by table in the submodules. The SQL text is shared — `$N`
//! placeholders on both databases, times are integer milliseconds and ids
//! are UUIDs on both — and [`Tx::query`] runs a statement on whichever
//! connection the transaction holds (`sql.rs`), so each query is written
//! once. Where the dialects differ (row locks, DDL) the code says so. Each
//! database has its own migrations folder under `migrations/`.
//!
//! Rows hold enums, not the strings stored for them: text columns are
//! parsed as they are read ([`sql::enum_column`]), an unknown value being
//! an internal error. Which constraint a failed write violated is told by
//! its name (`constraint.rs`), never by the error's text.
//!
//! PostgreSQL is reached through sqlx's pool. SQLite is driven
//! synchronously through rusqlite (`sqlite.rs`, which says why): WAL,
//! `synchronous=NORMAL`, foreign keys and a busy timeout, one writer
//! connection (so write transactions queue in process instead of fighting
//! over the file lock) and a separate pool of readers; sqlx only applies
//! its migrations at start.

mod args;
mod constraint;
mod friends;
mod house;
mod ledger;
mod matchmaking;
mod party;
mod party_access;
mod phrasesets;
mod players;
mod presence;
mod rounds;
mod sql;
mod sqlite;

pub use sqlite::DEFAULT_MAX_WRITES as SQLITE_GROUP_COMMIT;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions as _, PgPool, Postgres};
use uuid::Uuid;

pub(crate) use args::Arg;
pub use constraint::{Constraint, violated, violates};
pub use friends::FriendRow;
pub use house::{HOUSE_COPIERS, HOUSE_WRITER, HouseKey, HouseRounds};
pub use ledger::{Account, LedgerAudit, SplitPayout, Transfer};
pub use matchmaking::{ListingRow, MatchRow, QueuePlace, QueueRow};
pub use party::{
    AssignmentKind, AssignmentRow, AssignmentStatus, BoardRow, ChatRow, HistoryCursor,
    HistoryPlayerRow, HistoryRow, MoneyRow, NewSession, ParticipantRow, PhraseKey, PhraseRow,
    QueuedSpectator, ReactionCountRow, SessionRow, StandingRow, StatsRow, SubmissionKind,
    TotalsRow, VoteStatsRow,
};
pub use party_access::{AccessRow, InviteRow};
pub use phrasesets::{PhrasesetRow, PhrasesetStatus, VoteRow};
pub use players::{PlayerRow, RefreshUse, TokenKind};
pub use rounds::{NewRound, RoundRow};
pub(crate) use sql::{
    DbRow, FromRow, columns_row, enum_column, parse_text, placeholders, values_list,
};
pub use sqlite::WriterThread;

use crate::error::{Error, Result};

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
    /// Moves on after every commit that stored a party's standings here,
    /// and when another instance says it did ([`STANDINGS_CHANNEL`]): what
    /// was computed from the standings at an older value may be out of date.
    standings: Arc<AtomicU64>,
}

#[derive(Debug, Clone)]
enum Pools {
    Sqlite {
        /// Exactly one connection: SQLite allows one writer at a time, and
        /// queueing here is cheaper than retrying on `SQLITE_BUSY`.
        writer: sqlite::Pool,
        readers: sqlite::Pool,
        /// Where write requests run; stops when the last clone of the store goes.
        writer_thread: Arc<sqlite::WriterThread>,
        _checkpointer: Arc<sqlite::Checkpointer>,
    },
    Postgres(PgPool),
}

/// How the store uses its database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// SQLite: the most writes one commit carries (1: each commits alone).
    pub sqlite_group_commit: u16,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sqlite_group_commit: SQLITE_GROUP_COMMIT,
        }
    }
}

/// Learns, after each commit, which parties got new events.
pub trait CommitHook: Send + Sync + std::fmt::Debug {
    /// Called right after a successful commit; must not block.
    fn committed(&self, parties: &[Uuid]);

    /// A spectator chat message for `party` (SQLite's one process; on
    /// PostgreSQL it arrives through [`CHAT_CHANNEL`]); must not block.
    fn chat(&self, _party: Uuid, _frame: &str) {}

    /// A party chat notice (see [`Tx::say`]) after its commit (SQLite's one
    /// process; on PostgreSQL it arrives through [`PARTY_CHAT_CHANNEL`]);
    /// must not block.
    fn party_chat(&self, _party: Uuid, _notice: &str) {}

    /// Called right after a commit that has news for these players' own
    /// sockets (an invite, a quick match); must not block.
    fn players(&self, _players: &[Uuid]) {}
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls it back.
#[derive(Debug)]
pub struct Tx {
    conn: Conn,
    /// Parties whose event log this transaction appended to.
    touched: Vec<Uuid>,
    /// Players this transaction has news for (their player sockets read it).
    players: Vec<Uuid>,
    /// Party chat notices to hand out once this transaction commits.
    said: Vec<(Uuid, String)>,
    hook: Option<Arc<dyn CommitHook>>,
    /// The store's standings version, moved on if this transaction stored
    /// standings ([`Tx::stored_standings`]) once it commits.
    standings: Arc<AtomicU64>,
    stored_standings: bool,
    /// When the transaction began (for the latency metric).
    started: std::time::Instant,
    /// Statements run so far (for the statement-count metrics).
    statements: u32,
}

/// The connection a transaction runs on.
#[derive(Debug)]
pub enum Conn {
    Sqlite(sqlite::Lease),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// The PostgreSQL channel that carries "party P has new events" between
/// server instances; the payload is only the party id, the events table
/// holds the data.
pub const EVENTS_CHANNEL: &str = "qf_party_events";

/// The PostgreSQL channel that carries spectator chat between instances.
/// Chat is not stored, so the payload is the message itself: the party id,
/// a space, then the message as sent (far below NOTIFY's 8000 bytes).
pub const CHAT_CHANNEL: &str = "qf_spectator_chat";

/// The PostgreSQL channel that carries party chat between instances: the
/// party id, a space, then the notice (the message and who muted its
/// sender). Sent inside the transaction that stored the message, so it
/// goes out exactly when the message is committed.
pub const PARTY_CHAT_CHANNEL: &str = "qf_party_chat";

/// The PostgreSQL channel that carries "player P has news" (an invite, a
/// quick match) between instances; the payload is only the player id, the
/// tables hold the news, and the player's sockets read them.
pub const PLAYERS_CHANNEL: &str = "qf_player_news";

/// The PostgreSQL channel telling every instance that a commit stored a
/// party's standings (no payload): their leaderboards are out of date.
pub const STANDINGS_CHANNEL: &str = "qf_party_standings";

/// How long a transaction waits for a pooled connection before the
/// request is answered "busy, try again".
const POOL_WAIT: Duration = Duration::from_secs(30);
/// SQLite reader connections (reads run inline, so more than the cores
/// only helps transactions that stay open across other awaits).
const SQLITE_READERS: usize = 4;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// sqlx's options for the SQLite file at `url`: created if missing, WAL,
/// `synchronous=NORMAL`, foreign keys, a 5 s busy timeout — the settings
/// the game's own connections use too (`sqlite.rs`). Public for the
/// storage benchmark's sqlx path.
pub fn sqlite_options(url: &str) -> Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5)))
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating the SQLite
    /// file and its directory if needed, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, &StoreOptions::default()).await
    }

    /// [`Store::connect`] with tuning options.
    pub async fn connect_with(url: &str, tuning: &StoreOptions) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Statements are logged by `sql.rs`, alike for both databases.
            let options = PgConnectOptions::from_str(url)?.disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Pools::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = sqlite_options(url)?;
            if let Some(dir) = options
                .get_filename()
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::internal(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            // sqlx applies the migrations (and sets WAL on the file), then
            // the game's own connections take over.
            let migrator = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            SQLITE_MIGRATIONS.run(&migrator).await?;
            migrator.close().await;
            let path = options.get_filename();
            let max_writes = tuning.sqlite_group_commit;
            let writer = sqlite::Pool::open(path, sqlite::Role::Writer, 1, POOL_WAIT, max_writes)?;
            let readers = sqlite::Pool::open(
                path,
                sqlite::Role::Reader,
                SQLITE_READERS,
                POOL_WAIT,
                max_writes,
            )?;
            let writer_thread = Arc::new(sqlite::WriterThread::start()?);
            let checkpointer = Arc::new(sqlite::spawn_checkpointer(path)?);
            Pools::Sqlite {
                writer,
                readers,
                writer_thread,
                _checkpointer: checkpointer,
            }
        } else {
            return Err(Error::internal(format!(
                "unsupported database URL (use sqlite:// or postgres://): {url}"
            )));
        };
        Ok(Store {
            pools: store,
            hook: Arc::new(OnceLock::new()),
            standings: Arc::default(),
        })
    }

    /// The standings' version: it moves on once a commit that stored
    /// standings has completed, so a read begun after this call sees every
    /// standing stored by a commit that moved it before.
    pub fn standings_version(&self) -> u64 {
        self.standings.load(Ordering::Acquire)
    }

    /// Standings were stored elsewhere (another instance's commit, or
    /// notices possibly lost while the LISTEN link was down).
    pub fn standings_changed(&self) {
        self.standings.fetch_add(1, Ordering::AcqRel);
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

    /// The runtime write requests should run on, if this database has one
    /// (SQLite: see [`sqlite::WriterThread`]; PostgreSQL writes run anywhere).
    pub fn writer_runtime(&self) -> Option<&tokio::runtime::Handle> {
        match &self.pools {
            Pools::Sqlite { writer_thread, .. } => Some(writer_thread.handle()),
            Pools::Postgres(_) => None,
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
            players: Vec::new(),
            said: Vec::new(),
            hook: self.hook.get().cloned(),
            standings: self.standings.clone(),
            stored_standings: false,
            started: std::time::Instant::now(),
            statements: 0,
        }
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let waited = std::time::Instant::now();
        let conn = match &self.pools {
            // IMMEDIATE takes the write lock up front, so a transaction that
            // reads and then writes can never fail half-way on a lock upgrade.
            Pools::Sqlite { writer, .. } => Conn::Sqlite(writer.begin().await?),
            Pools::Postgres(pool) => Conn::Postgres(pool.begin().await?),
        };
        // How long writes queue for the writer (SQLite) or a pooled
        // connection (PostgreSQL): with the transaction time, this tells a
        // saturated writer from one waiting on something else.
        metrics::histogram!("db_begin_wait_seconds").record(waited.elapsed().as_secs_f64());
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
        tx.query("SELECT 1").execute().await?;
        Ok(())
    }

    /// Hands a spectator chat message to every instance's spectators of
    /// `party`: a NOTIFY on PostgreSQL (every instance listens, this one
    /// too), the commit hook with SQLite's one process.
    pub async fn publish_chat(&self, party: Uuid, frame: &str) -> Result<()> {
        match &self.pools {
            Pools::Postgres(pool) => {
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHAT_CHANNEL)
                    .bind(format!("{party} {frame}"))
                    .execute(pool)
                    .await?;
            }
            Pools::Sqlite { .. } => {
                if let Some(hook) = self.hook.get() {
                    hook.chat(party, frame);
                }
            }
        }
        Ok(())
    }

    /// Closes every connection (on shutdown, after in-flight requests finish).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                writer, readers, ..
            } => {
                readers.close();
                writer.close();
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    /// Commits. On PostgreSQL the parties that got events are announced on
    /// [`EVENTS_CHANNEL`], and the players with news on [`PLAYERS_CHANNEL`],
    /// inside the transaction (NOTIFY is delivered only if the commit
    /// succeeds); after the commit the local hook is told.
    pub async fn commit(mut self) -> Result<()> {
        for list in [&mut self.touched, &mut self.players] {
            list.sort_unstable();
            list.dedup();
        }
        let said = std::mem::take(&mut self.said);
        let sqlite = matches!(self.conn, Conn::Sqlite(_));
        match self.conn {
            Conn::Sqlite(lease) => lease.commit().await?,
            Conn::Postgres(mut tx) => {
                let standings = self
                    .stored_standings
                    .then_some((STANDINGS_CHANNEL, String::new()));
                let notices =
                    (self.touched.iter().map(|p| (EVENTS_CHANNEL, p.to_string())))
                        .chain(
                            self.players
                                .iter()
                                .map(|p| (PLAYERS_CHANNEL, p.to_string())),
                        )
                        .chain(said.iter().map(|(party, notice)| {
                            (PARTY_CHAT_CHANNEL, format!("{party} {notice}"))
                        }))
                        .chain(standings);
                for (channel, payload) in notices {
                    self.statements += 1;
                    sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(channel)
                        .bind(payload)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
        metrics::histogram!("db_transaction_duration_seconds")
            .record(self.started.elapsed().as_secs_f64());
        metrics::histogram!("db_transaction_statements").record(f64::from(self.statements));
        if self.stored_standings {
            self.standings.fetch_add(1, Ordering::AcqRel);
        }
        if let Some(hook) = &self.hook {
            if !self.touched.is_empty() {
                hook.committed(&self.touched);
            }
            if !self.players.is_empty() {
                hook.players(&self.players);
            }
            // PostgreSQL delivers these through the NOTIFY above, to every
            // instance this one included.
            if sqlite {
                for (party, notice) in &said {
                    hook.party_chat(*party, notice);
                }
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many statements this transaction has run so far: what a use
    /// case costs in round trips, read before and after it.
    pub fn statements(&self) -> u32 {
        self.statements
    }

    /// Notes that this transaction appended events for `party`.
    pub(crate) fn touch_party(&mut self, party: Uuid) {
        self.touched.push(party);
    }

    /// Hands a party chat notice to the party's player sockets on every
    /// instance once this transaction commits (never if it rolls back).
    pub fn say(&mut self, party: Uuid, notice: String) {
        self.said.push((party, notice));
    }

    /// Notes that this transaction has news for `player`'s own sockets, on
    /// every instance: they are woken once it commits.
    pub fn tell_player(&mut self, player: Uuid) {
        self.players.push(player);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Millis;

    /// A write transaction dropped half-way — what a cancelled request or
    /// an error leaves — is rolled back there and then: nothing it wrote
    /// stays, and the single writer begins again at once.
    #[tokio::test]
    async fn a_dropped_write_transaction_rolls_back_and_frees_the_writer() {
        let (_dir, store, host) = store_with_host().await;
        let session = Uuid::new_v4();
        {
            let mut tx = store.begin().await.unwrap();
            assert!(
                tx.insert_session(&lobby_of(host, session, "ABCD2345"), Millis(1))
                    .await
                    .unwrap()
            );
            // Dropped without commit.
        }
        let mut tx = tokio::time::timeout(Duration::from_secs(5), store.begin())
            .await
            .expect("the writer is free again")
            .unwrap();
        assert!(tx.session(session).await.unwrap().is_none());
        tx.commit().await.unwrap();
        let mut read = store.read().await.unwrap();
        assert!(read.session(session).await.unwrap().is_none());
    }

    /// A future holding the writer cancelled mid-transaction (a client hung
    /// up) leaves no transaction open on the connection.
    #[tokio::test]
    async fn a_cancelled_transaction_leaves_the_writer_usable() {
        let (_dir, store, host) = store_with_host().await;
        let session = Uuid::new_v4();
        let (began, wait) = tokio::sync::oneshot::channel();
        let task = tokio::spawn({
            let store = store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                tx.insert_session(&lobby_of(host, session, "ABCD2345"), Millis(1))
                    .await
                    .unwrap();
                began.send(()).unwrap();
                std::future::pending::<()>().await;
                tx.commit().await
            }
        });
        wait.await.unwrap();
        task.abort();
        let _ = task.await;
        let mut tx = tokio::time::timeout(Duration::from_secs(5), store.begin())
            .await
            .expect("the writer is free again")
            .unwrap();
        assert!(tx.session(session).await.unwrap().is_none());
    }

    /// Readers are read-only: a write through one fails instead of writing.
    #[tokio::test]
    async fn a_reader_cannot_write() {
        let (_dir, store, _host) = store_with_host().await;
        let mut read = store.read().await.unwrap();
        let err = read
            .query("UPDATE players SET wallet = wallet + 1")
            .execute()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
        drop(read);
        let mut read = store.read().await.unwrap();
        let total: i64 = read
            .query("SELECT COALESCE(SUM(wallet), 0) FROM players")
            .fetch_one()
            .await
            .unwrap();
        assert_eq!(total, 0);
    }

    /// `$N` placeholders are bound by number, wherever they appear in the
    /// text and however often.
    #[tokio::test]
    async fn placeholders_bind_by_number_not_position() {
        let (_dir, store, _host) = store_with_host().await;
        let mut tx = store.read().await.unwrap();
        let row: (i64, String, i64) = tx
            .query("SELECT $2, $1, $2 + 1")
            .bind("one")
            .bind(7_i64)
            .fetch_one()
            .await
            .unwrap();
        assert_eq!(row, (7, "one".to_owned(), 8));
    }

    /// Columns are read by name: exactly, by position, and otherwise as
    /// SQLite itself matches names (ignoring case); a missing one is an
    /// internal error naming it.
    #[tokio::test]
    async fn columns_are_read_by_name_whatever_their_case_or_order() {
        struct Named {
            low: i64,
            up: i64,
        }
        impl FromRow for Named {
            fn from_row(row: &DbRow<'_>) -> Result<Self> {
                Ok(Named {
                    low: row.try_get("low")?,
                    up: row.try_get("up")?,
                })
            }
        }
        let (_dir, store, _host) = store_with_host().await;
        let mut tx = store.read().await.unwrap();
        let named: Named = tx
            .query("SELECT 2 AS UP, 1 AS low")
            .fetch_one()
            .await
            .unwrap();
        assert_eq!((named.low, named.up), (1, 2));
        let err = tx
            .query("SELECT 1 AS low")
            .fetch_one::<Named>()
            .await
            .err()
            .expect("no column up");
        assert!(
            matches!(&err, Error::Internal(m) if m.contains("\"up\"")),
            "{err:?}"
        );
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
        tx.query("PRAGMA ignore_check_constraints = ON")
            .execute()
            .await
            .unwrap();
        tx.query("UPDATE party_sessions SET current_phase = 'INTERMISSION' WHERE session_id = $1")
            .bind(session)
            .execute()
            .await
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

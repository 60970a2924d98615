//! SQLite, driven synchronously.
//!
//! A game write is `BEGIN IMMEDIATE`, 10–15 short statements and `COMMIT`.
//! Run through an asynchronous driver that keeps each connection on its own
//! thread, every statement is a hand-off to that thread and back, and the
//! single writer spends its time waking threads instead of in SQLite. Here
//! the statements run inline, on the task that holds the connection: a
//! transaction takes a connection from a small [`Pool`] (one for the
//! writer, a few for readers), and from then on each statement is a call
//! into SQLite through rusqlite with a cached prepared statement. A
//! statement takes microseconds, so running it on the async worker costs
//! less than handing it anywhere.
//!
//! A write never leaves anything behind when it does not commit: dropping
//! a [`Lease`] inside one — a request cancelled half-way, an error — rolls
//! it back there and then (synchronously, so a dropped future cannot skip
//! it), and a connection that is still inside a transaction it should not
//! be in afterwards is closed rather than reused. The writer's commits are
//! grouped ([`batch`]): the one transaction a writer connection may carry
//! back to the pool is the batch its queued writes join.

mod batch;

pub use batch::DEFAULT_MAX_WRITES;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use self::batch::{Batch, Open};
use super::args::Arg;
use crate::error::{Error, Result};

/// Prepared statements kept per connection (the game has about 150).
const STATEMENT_CACHE: usize = 256;
/// WAL pages (4 KiB each) after which a commit on the writer checkpoints.
/// SQLite's default is 1,000; at 600 parties the writer spent 14 % of its
/// time in those checkpoints and the step broke (p99 466 ms); at 4,000 it
/// was at the edge (60 ms), at 16,000 (a WAL of up to ~64 MiB) it held
/// (46 ms). Pages rewritten between two checkpoints are copied once.
const WRITER_CHECKPOINT_PAGES: u32 = 16_000;
/// How often the checkpointer copies the WAL back into the database file
/// (and syncs both files). What it leaves unsynced, the writer's own
/// checkpoint must sync, with every write waiting: at 1,000 parties, every
/// 100 ms left the writer in `fsync` about 5 % of the time in stalls of
/// ~80 ms each (p99 85 ms); every 25 ms, about 1 % (p99 48 ms, held).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(25);
/// How long SQLite itself waits on a lock held by another process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What a pool's connections are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Writer,
    /// `query_only`: a reader that tried to write would fail, not write.
    Reader,
}

/// A fixed number of connections to one database file.
#[derive(Debug, Clone)]
pub struct Pool {
    inner: Arc<PoolInner>,
}

#[derive(Debug)]
struct PoolInner {
    path: PathBuf,
    role: Role,
    /// Idle connections; a permit is taken before one is, so the pool
    /// never holds more than `size` open.
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    acquire_timeout: Duration,
    /// The writer's open batch (readers never have one).
    open: Mutex<Open>,
}

impl PoolInner {
    fn open(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pool {
    /// Opens `size` connections to `path` (which must exist, migrated);
    /// the writer's commits carry at most `max_writes` writes each.
    pub fn open(
        path: &Path,
        role: Role,
        size: usize,
        acquire_timeout: Duration,
        max_writes: u16,
    ) -> Result<Pool> {
        let idle = (0..size)
            .map(|_| open_connection(path, role))
            .collect::<Result<Vec<_>>>()?;
        Ok(Pool {
            inner: Arc::new(PoolInner {
                path: path.to_owned(),
                role,
                idle: Mutex::new(idle),
                permits: Arc::new(Semaphore::new(size)),
                acquire_timeout,
                open: Mutex::new(Open::new(max_writes)),
            }),
        })
    }

    /// Waits (first come, first served) for a connection and begins a
    /// transaction on it: for the writer, a savepoint in the open batch
    /// (which starts with `BEGIN IMMEDIATE`, so a transaction that reads
    /// and then writes never fails half-way on a lock upgrade); for
    /// readers, a deferred `BEGIN` (one snapshot from the first read).
    pub async fn begin(&self) -> Result<Lease> {
        let mut lease = acquire(&self.inner).await?;
        match self.inner.role {
            Role::Writer => {
                let conn = lease.conn()?;
                let batch = self.inner.open().join(conn)?;
                lease.member = Some(batch);
            }
            Role::Reader => lease.conn()?.execute_batch("BEGIN")?,
        }
        Ok(lease)
    }

    /// Batches the writer has committed (0 for readers).
    #[cfg(test)]
    pub fn commits(&self) -> u64 {
        self.inner.open().commits()
    }

    /// Stops handing out connections and closes the idle ones, committing
    /// the writer's open batch first (its writes are waiting for it).
    pub fn close(&self) {
        self.inner.permits.close();
        let mut idle = self
            .inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(conn) = idle.first() {
            self.inner.open().commit(conn);
        }
        idle.clear();
    }
}

/// Waits (first come, first served) for a connection of `pool`, as it was
/// left: outside any transaction, or — the writer — inside its open batch.
async fn acquire(pool: &Arc<PoolInner>) -> Result<Lease> {
    let permit = tokio::time::timeout(
        pool.acquire_timeout,
        Arc::clone(&pool.permits).acquire_owned(),
    )
    .await
    .map_err(|_| Error::unavailable("timed out waiting for a SQLite connection"))?
    .map_err(|_| Error::unavailable("the SQLite pool is closed"))?;
    let idle = pool
        .idle
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop();
    let conn = match idle {
        Some(conn) => conn,
        // One was closed after a failed rollback: replace it.
        None => open_connection(&pool.path, pool.role)?,
    };
    Ok(Lease {
        conn: Some(conn),
        pool: Arc::clone(pool),
        member: None,
        _permit: permit,
    })
}

/// Waits for `batch` to end, committing it if the writer comes free with
/// it still open. First yields once, so that writes already able to run
/// take their turn (and join the batch) before this one asks for the
/// writer.
async fn flush(pool: Arc<PoolInner>, batch: Arc<Batch>) -> Result<()> {
    let mut guard = FlushGuard {
        pool,
        batch: Some(Arc::clone(&batch)),
    };
    tokio::task::yield_now().await;
    if let Some(outcome) = batch.outcome() {
        guard.batch = None;
        return outcome;
    }
    let lease = acquire(&guard.pool).await;
    guard.batch = None;
    match lease {
        Ok(mut lease) => {
            let conn = lease.conn()?;
            let mut open = guard.pool.open();
            if open.is_current(&batch) {
                open.commit(conn);
            }
        }
        // The writer cannot be had (a stuck writer, a shutdown): whoever
        // has it, or the pool's close, ends the batch.
        Err(err) => {
            return tokio::time::timeout(guard.pool.acquire_timeout, batch.ended())
                .await
                .unwrap_or(Err(err));
        }
    }
    batch
        .outcome()
        .unwrap_or_else(|| Err(Error::internal("a SQLite batch was left open")))
}

/// Finishes a flush whose caller stopped waiting (a cancelled request):
/// its write is in the batch, so the batch must still be committed.
struct FlushGuard {
    pool: Arc<PoolInner>,
    batch: Option<Arc<Batch>>,
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        let Some(batch) = self.batch.take() else {
            return;
        };
        if batch.outcome().is_some() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(flush(Arc::clone(&self.pool), batch));
        } else {
            tracing::warn!("a SQLite batch was left to the next write to commit");
        }
    }
}

fn open_connection(path: &Path, role: Role) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // WAL is a property of the file (set when it was migrated); these are
    // per connection. Readers are not opened read-only: a read-only
    // connection to a WAL file fails when the shared-memory index needs
    // rebuilding; `query_only` keeps them from writing instead.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )?;
    match role {
        Role::Reader => conn.execute_batch("PRAGMA query_only = ON;")?,
        // A bigger page cache for the one connection that writes, savepoint
        // journals in memory (each write is a savepoint of a batch,
        // `batch.rs`: written to a temporary file they took 12 % of the
        // writer's time at 700 parties, in memory 3 %), and checkpoints far
        // enough apart (see the constant).
        Role::Writer => {
            conn.execute_batch(&format!(
                "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY; \
                 PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES};"
            ))?;
        }
    }
    Ok(conn)
}

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`],
/// on a thread of its own with its own connection, so the copying runs on
/// another core than the writer. `PASSIVE` takes no lock the writer or the
/// readers wait for. The writer keeps SQLite's automatic checkpoint, at
/// [`WRITER_CHECKPOINT_PAGES`]: a checkpoint is what lets the WAL start
/// over, which needs a moment with every frame copied and no write in
/// between — under a steady stream of writes only the writer itself can
/// give one (with this thread alone the WAL grew to 6.5 GB in two minutes
/// at 600 parties). With this thread ahead of it, the writer's checkpoint
/// has little left to copy. The thread stops when the returned guard is
/// dropped.
pub fn spawn_checkpointer(path: &Path) -> Result<Checkpointer> {
    let conn = open_connection(path, Role::Writer)?;
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(CHECKPOINT_EVERY)
            {
                // Busy (the writer is checkpointing) is fine: next time.
                let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);");
            }
        })
        .map_err(|e| Error::internal(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(Checkpointer { _stop: stop })
}

/// Keeps the checkpoint thread running while held.
#[derive(Debug)]
pub struct Checkpointer {
    _stop: std::sync::mpsc::Sender<()>,
}

/// The thread write requests run on (SQLite only).
///
/// The single writer is handed from one transaction to the next through a
/// first-come-first-served queue. On the server's main runtime the next
/// holder is one task among thousands (sockets, reads, connections): it is
/// woken when the writer frees, then waits its turn to run, and the writer
/// sits idle meanwhile — at 600 busy parties that gap was 0.3 ms per
/// transaction against 0.5 ms of work, so a third of the writer's time
/// was lost. A runtime of its own, one thread running only write
/// requests, runs the next holder at once. Each write request is one
/// hand-off to this thread (by the HTTP layer, `http::detach`) and one back
/// with the response; its statements then run inline here.
#[derive(Debug)]
pub struct WriterThread {
    handle: tokio::runtime::Handle,
    /// Dropping it ends the thread (and its runtime).
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl WriterThread {
    pub fn start() -> Result<WriterThread> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::internal(format!("cannot build the writer runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let _ = runtime.block_on(stopped);
            })
            .map_err(|e| Error::internal(format!("cannot start the writer thread: {e}")))?;
        Ok(WriterThread {
            handle,
            _stop: stop,
        })
    }

    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.handle
    }
}

/// A connection taken from a [`Pool`], inside a transaction until
/// [`Lease::commit`] or drop (which rolls back).
#[derive(Debug)]
pub struct Lease {
    /// Always `Some` until dropped.
    conn: Option<Connection>,
    pool: Arc<PoolInner>,
    /// The writer's batch this write's savepoint is in, until released.
    member: Option<Arc<Batch>>,
    /// Released after the connection is back in the pool (fields drop in
    /// order, after `Drop::drop`).
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    fn conn(&mut self) -> Result<&mut Connection> {
        self.conn
            .as_mut()
            .ok_or_else(|| Error::internal("SQLite lease used after release"))
    }

    /// Commits the transaction. A write's is released into its batch, and
    /// this returns once the batch has committed (see [`batch`]).
    pub async fn commit(mut self) -> Result<()> {
        let Some(batch) = self.member.take() else {
            self.conn()?.execute_batch("COMMIT")?;
            return Ok(());
        };
        let pool = Arc::clone(&self.pool);
        let committed_here = {
            let conn = self.conn()?;
            pool.open().release(conn)?
        };
        // Back to the pool with the batch open, for the writes queued
        // behind this one to join.
        drop(self);
        if committed_here {
            return batch
                .outcome()
                .unwrap_or_else(|| Err(Error::internal("a SQLite batch was left open")));
        }
        flush(pool, batch).await
    }

    /// Runs `sql` with `args`; the number of rows it changed (0 for a read).
    pub fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let conn = self.conn()?;
        let mut stmt = prepare(conn, sql, args)?;
        let mut rows = stmt.raw_query();
        while rows.next()?.is_some() {}
        drop(rows);
        Ok(if stmt.readonly() { 0 } else { conn.changes() })
    }

    /// Runs `sql` with `args` and reads up to `limit` rows with `read`.
    pub fn fetch<T>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        limit: usize,
        mut read: impl FnMut(&rusqlite::Row<'_>, &[String]) -> Result<T>,
    ) -> Result<Vec<T>> {
        let conn = self.conn()?;
        let mut stmt = prepare(conn, sql, args)?;
        // The column names once per statement: rusqlite finds a column by
        // name by fetching and comparing every name for every lookup (4–5 %
        // of the writer's time at 700 parties).
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(row) = rows.next()? else { break };
            out.push(read(row, &names)?);
        }
        Ok(out)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let keep = match self.pool.role {
            Role::Writer => {
                let mut open = self.pool.open();
                if self.member.take().is_some() {
                    open.undo(&conn);
                } else {
                    open.reconcile(&conn);
                }
                open.is_open() || conn.is_autocommit()
            }
            Role::Reader => {
                if !conn.is_autocommit()
                    && let Err(err) = conn.execute_batch("ROLLBACK")
                {
                    tracing::warn!(error = %err, "SQLite rollback failed");
                }
                conn.is_autocommit()
            }
        };
        if !keep {
            tracing::warn!("SQLite connection still inside a transaction; closing it");
            return;
        }
        self.pool
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(conn);
    }
}

/// The cached statement for `sql` with `args` bound. Placeholders are
/// `$N` (shared with PostgreSQL); SQLite treats `$N` as a named parameter
/// numbered by first appearance, so each is bound by its name's number,
/// not by position.
fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    args: &[Arg<'_>],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    for index in 1..=stmt.parameter_count() {
        let number = stmt
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| Error::internal(format!("placeholder {index} is not $N in: {sql}")))?;
        let arg = args
            .get(number.wrapping_sub(1))
            .ok_or_else(|| Error::internal(format!("no argument for ${number} in: {sql}")))?;
        stmt.raw_bind_parameter(index, arg)?;
    }
    Ok(stmt)
}

impl ToSql for Arg<'_> {
    /// The value sqlx's SQLite driver stored for the same Rust type, so
    /// files written before keep reading: integers and booleans as
    /// INTEGER, UUIDs as 16-byte BLOBs.
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::I64(v) => v.map_or(ToSqlOutput::Owned(Value::Null), ToSqlOutput::from),
            Arg::I32(v) => v.map_or(ToSqlOutput::Owned(Value::Null), ToSqlOutput::from),
            Arg::F64(v) => v.map_or(ToSqlOutput::Owned(Value::Null), ToSqlOutput::from),
            Arg::Bool(v) => v.map_or(ToSqlOutput::Owned(Value::Null), ToSqlOutput::from),
            Arg::Text(v) => v.as_deref().map_or(ToSqlOutput::Owned(Value::Null), |s| {
                ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
            }),
            Arg::Uuid(v) => v.as_ref().map_or(ToSqlOutput::Owned(Value::Null), |u| {
                ToSqlOutput::Borrowed(ValueRef::Blob(u.as_bytes()))
            }),
            Arg::UuidList(_) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    "SQLite has no array parameters".into(),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use super::*;

    /// A migrated-enough file: one table, in WAL mode.
    fn database() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER PRIMARY KEY);")
            .unwrap();
        (dir, path)
    }

    fn pools(path: &Path) -> (Pool, Pool) {
        pools_of(path, DEFAULT_MAX_WRITES)
    }

    fn pools_of(path: &Path, max_writes: u16) -> (Pool, Pool) {
        let wait = Duration::from_secs(5);
        (
            Pool::open(path, Role::Writer, 1, wait, max_writes).unwrap(),
            Pool::open(path, Role::Reader, 1, wait, max_writes).unwrap(),
        )
    }

    async fn rows(readers: &Pool) -> Vec<i64> {
        let mut tx = readers.begin().await.unwrap();
        tx.fetch("SELECT n FROM t ORDER BY n", &[], usize::MAX, |r, _| {
            Ok(r.get(0)?)
        })
        .unwrap()
    }

    async fn insert(writer: Pool, n: i64) -> Result<()> {
        let mut tx = writer.begin().await?;
        tx.execute("INSERT INTO t (n) VALUES ($1)", &[Arg::from(n)])?;
        tx.commit().await
    }

    /// Writes that queue for the writer share commits, and every one of
    /// them is answered only with its row committed.
    #[tokio::test]
    async fn queued_writes_share_commits_and_all_land() {
        let commits = twenty_queued_writes(DEFAULT_MAX_WRITES).await;
        assert!((1..20).contains(&commits), "20 writes in {commits} commits");
    }

    /// Queues 20 writes at once on a fresh file with `max_writes`, checks
    /// every row landed, and returns the number of commits they took.
    async fn twenty_queued_writes(max_writes: u16) -> u64 {
        let (_dir, path) = database();
        let (writer, readers) = pools_of(&path, max_writes);
        let tasks: Vec<_> = (0..20)
            .map(|n| tokio::spawn(insert(writer.clone(), n)))
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(rows(&readers).await, (0..20).collect::<Vec<_>>());
        writer.commits()
    }

    /// With at most one write per commit (`--sqlite-group-commit 1`), the
    /// same queued writes each commit on their own.
    #[tokio::test]
    async fn a_limit_of_one_commits_each_write_alone() {
        assert_eq!(twenty_queued_writes(1).await, 20);
    }

    /// A write that fails half-way (here on a key another write of the same
    /// batch took) rolls back to its savepoint: the writes before and
    /// after it in the batch commit, nothing of it does.
    #[tokio::test]
    async fn a_failed_write_leaves_the_rest_of_its_batch() {
        let (_dir, path) = database();
        let (writer, readers) = pools(&path);
        let first = tokio::spawn(insert(writer.clone(), 1));
        let failing = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut tx = writer.begin().await?;
                tx.execute("INSERT INTO t (n) VALUES (2)", &[])?;
                tx.execute("INSERT INTO t (n) VALUES (1)", &[])?;
                tx.commit().await
            }
        });
        let last = tokio::spawn(insert(writer.clone(), 3));
        first.await.unwrap().unwrap();
        let err = failing.await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Sqlite(_)), "{err:?}");
        last.await.unwrap().unwrap();
        assert_eq!(rows(&readers).await, vec![1, 3]);
    }

    /// A caller that stops waiting for its batch (a cancelled request)
    /// does not strand it: the batch is still committed.
    #[tokio::test]
    async fn a_cancelled_commit_still_commits_its_batch() {
        let (_dir, path) = database();
        let (writer, readers) = pools(&path);
        let mut tx = writer.begin().await.unwrap();
        tx.execute("INSERT INTO t (n) VALUES (7)", &[]).unwrap();
        // Polled once (the savepoint released, the flush begun), then dropped.
        {
            let mut commit = std::pin::pin!(tx.commit());
            let polled = commit
                .as_mut()
                .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
            assert!(polled.is_pending(), "the commit was waiting for its batch");
        }
        for _ in 0..200 {
            if rows(&readers).await == vec![7] {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the batch was never committed");
    }

    /// Closing the pool commits the batch left open on the writer.
    #[tokio::test]
    async fn closing_commits_the_open_batch() {
        let (_dir, path) = database();
        let (writer, readers) = pools(&path);
        let mut tx = writer.begin().await.unwrap();
        tx.execute("INSERT INTO t (n) VALUES (9)", &[]).unwrap();
        let batch = tx.member.clone().unwrap();
        let pool = Arc::clone(&tx.pool);
        let conn = tx.conn.as_ref().unwrap();
        assert!(!pool.open().release(conn).unwrap());
        tx.member = None;
        drop(tx);
        assert!(batch.outcome().is_none(), "the batch is still open");
        writer.close();
        assert!(batch.outcome().unwrap().is_ok());
        assert_eq!(rows(&readers).await, vec![9]);
    }
}

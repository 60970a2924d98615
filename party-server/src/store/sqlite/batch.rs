//! Group commit: the writer's transactions share one SQLite commit.
//!
//! At a few hundred busy parties the writer thread is the bound, and a
//! good part of each write is its `COMMIT`: the pages it dirtied copied
//! into the WAL (the same hot index pages, transaction after transaction),
//! and later copied back by a checkpoint. Here a write transaction is a
//! savepoint inside a *batch*, one SQLite transaction that stays open on
//! the writer while the writes queued behind it run. Each write still
//! stands alone — its own statements roll back to its savepoint on error
//! or cancellation, leaving the others — and its caller is answered only
//! once the batch has committed (or, if the commit fails, with that
//! failure: nothing of it was written).
//!
//! Who commits: every write that released its savepoint waits for its
//! batch, and if nobody has committed it by the time the writer is free
//! again, commits it itself. Waiting for the writer in the same
//! first-come-first-served queue as new writes is what batches them: the
//! writes queued ahead of it join the batch before it gets there. A write
//! that ends a full or old batch commits at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::watch;

use crate::error::{Error, Result};

/// Most writes in one commit by default: bounds how long the first of
/// them waits (`--sqlite-group-commit`).
pub const DEFAULT_MAX_WRITES: u16 = 64;
/// Oldest a batch gets before the write ending it commits it.
pub(super) const MAX_AGE: Duration = Duration::from_millis(10);

/// How a batch ended, for every write in it.
#[derive(Debug, Clone)]
enum Outcome {
    Committed,
    Failed { busy: bool, message: Arc<str> },
}

/// One SQLite transaction shared by several writes.
#[derive(Debug)]
pub(super) struct Batch {
    done: watch::Sender<Option<Outcome>>,
}

impl Batch {
    /// The outcome, if the batch has ended.
    pub(super) fn outcome(&self) -> Option<Result<()>> {
        self.done.borrow().as_ref().map(Outcome::to_result)
    }

    /// Waits for the batch to end.
    pub(super) async fn ended(&self) -> Result<()> {
        let mut rx = self.done.subscribe();
        let outcome = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| Error::internal("SQLite batch dropped unresolved"))?;
        outcome
            .as_ref()
            .map_or_else(|| Err(Error::internal("unresolved")), Outcome::to_result)
    }
}

impl Outcome {
    fn to_result(&self) -> Result<()> {
        match self {
            Outcome::Committed => Ok(()),
            Outcome::Failed {
                busy: true,
                message,
            } => Err(Error::unavailable(format!(
                "the write could not be committed: {message}"
            ))),
            Outcome::Failed {
                busy: false,
                message,
            } => Err(Error::internal(format!(
                "the write could not be committed: {message}"
            ))),
        }
    }
}

/// The batch open on the writer connection. Only the holder of the
/// writer's permit reads or changes it.
#[derive(Debug)]
pub(super) struct Open {
    current: Option<Current>,
    /// A batch this full is committed by the write that fills it (1: every
    /// write commits on its own).
    max_writes: usize,
    /// Batches committed so far (for the tests).
    #[cfg(test)]
    commits: u64,
}

#[derive(Debug)]
struct Current {
    batch: Arc<Batch>,
    /// Writes whose savepoints were released into it (they wait on it).
    members: usize,
    since: Instant,
}

/// The savepoint each write runs in.
const BEGIN_MEMBER: &str = "SAVEPOINT member";
const RELEASE_MEMBER: &str = "RELEASE member";
const UNDO_MEMBER: &str = "ROLLBACK TO member; RELEASE member";

impl Open {
    pub(super) fn new(max_writes: u16) -> Open {
        Open {
            current: None,
            max_writes: usize::from(max_writes.max(1)),
            #[cfg(test)]
            commits: 0,
        }
    }

    /// Starts a write on `conn`: opens a batch if none is, then the write's
    /// savepoint. Returns the batch the write belongs to.
    pub(super) fn join(&mut self, conn: &Connection) -> Result<Arc<Batch>> {
        self.reconcile(conn);
        if self.current.is_none() {
            // IMMEDIATE takes the write lock up front, so a transaction
            // that reads and then writes never fails on a lock upgrade.
            conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        let current = self.current.get_or_insert_with(|| Current {
            batch: Arc::new(Batch {
                done: watch::Sender::new(None),
            }),
            members: 0,
            since: Instant::now(),
        });
        let batch = Arc::clone(&current.batch);
        if let Err(err) = conn.execute_batch(BEGIN_MEMBER) {
            self.reconcile(conn);
            return Err(err.into());
        }
        Ok(batch)
    }

    /// Ends a write's savepoint, keeping its changes in the batch. True if
    /// the batch was committed here (it was full or old); otherwise the
    /// caller waits for it.
    pub(super) fn release(&mut self, conn: &Connection) -> Result<bool> {
        if let Err(err) = conn.execute_batch(RELEASE_MEMBER) {
            self.undo(conn);
            return Err(err.into());
        }
        let Some(current) = &mut self.current else {
            return Err(Error::internal("released a write outside a batch"));
        };
        current.members += 1;
        if current.members >= self.max_writes || current.since.elapsed() >= MAX_AGE {
            self.commit(conn);
            return Ok(true);
        }
        Ok(false)
    }

    /// Rolls a write back to its savepoint, leaving the rest of the batch.
    pub(super) fn undo(&mut self, conn: &Connection) {
        if let Err(err) = conn.execute_batch(UNDO_MEMBER) {
            tracing::warn!(error = %err, "SQLite rollback to savepoint failed");
        }
        self.reconcile(conn);
    }

    #[cfg(test)]
    pub(super) fn commits(&self) -> u64 {
        self.commits
    }

    /// True if a batch is open (the writer connection is inside it).
    pub(super) fn is_open(&self) -> bool {
        self.current.is_some()
    }

    /// True if `batch` is the one open now.
    pub(super) fn is_current(&self, batch: &Arc<Batch>) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.batch, batch))
    }

    /// Commits the open batch, if any, and tells its writes.
    pub(super) fn commit(&mut self, conn: &Connection) {
        let Some(current) = self.current.take() else {
            return;
        };
        let outcome = match conn.execute_batch("COMMIT") {
            Ok(()) => Outcome::Committed,
            Err(err) => {
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                failed(&err)
            }
        };
        #[cfg(test)]
        {
            self.commits += 1;
        }
        metrics::histogram!("db_group_commit_writes").record(current.members as f64);
        current.batch.done.send_replace(Some(outcome));
    }

    /// Brings the record in line with the connection after a write ended:
    /// SQLite may have rolled the whole transaction back itself (an I/O
    /// error, a full disk), and a batch nobody released a write into is
    /// simply rolled back.
    pub(super) fn reconcile(&mut self, conn: &Connection) {
        match &self.current {
            Some(current) if conn.is_autocommit() => {
                tracing::warn!(writes = current.members, "SQLite rolled a batch back");
                let lost = Outcome::Failed {
                    busy: false,
                    message: "the transaction was rolled back".into(),
                };
                current.batch.done.send_replace(Some(lost));
                self.current = None;
            }
            Some(current) if current.members == 0 => {
                let _ = conn.execute_batch("ROLLBACK");
                current.batch.done.send_replace(Some(Outcome::Committed));
                self.current = None;
            }
            None if !conn.is_autocommit() => {
                let _ = conn.execute_batch("ROLLBACK");
            }
            _ => {}
        }
    }
}

fn failed(err: &rusqlite::Error) -> Outcome {
    Outcome::Failed {
        busy: crate::error::sqlite_busy(err),
        message: err.to_string().into(),
    }
}

//! Operational use cases: database health, the ledger audit, the census
//! the metrics read, token housekeeping, and the few start-up and shutdown
//! hooks into the store that the server's wiring needs.

use std::future::Future;
use std::sync::Arc;

use party_protocol::party::PartyPhase;
use tracing::Instrument;

use super::Game;
use crate::error::{Error, Result};
use crate::store::{Backend, CommitHook, LedgerAudit};

impl Game {
    /// Which database the game runs on.
    pub fn database(&self) -> Backend {
        self.store.backend()
    }

    /// Checks that the database answers.
    #[tracing::instrument(skip_all)]
    pub async fn ping_database(&self) -> Result<()> {
        self.store.ping().await
    }

    /// The ledger audit (conservation and per-account replay).
    #[tracing::instrument(skip_all)]
    pub async fn ledger_audit(&self) -> Result<LedgerAudit> {
        let mut tx = self.store.read().await?;
        tx.audit().await
    }

    /// How many open or running parties are in each phase.
    #[tracing::instrument(skip_all)]
    pub async fn parties_by_phase(&self) -> Result<Vec<(PartyPhase, i64)>> {
        let mut tx = self.store.read().await?;
        tx.parties_by_phase().await
    }

    /// Deletes expired tokens; returns how many.
    #[tracing::instrument(skip_all)]
    pub async fn purge_expired_tokens(&self) -> Result<u64> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let purged = tx.purge_expired_tokens(now).await?;
        tx.commit().await?;
        Ok(purged)
    }

    /// Installs the hook told about committed party events. The hub is
    /// built after the game (it reads events through it), so the wiring
    /// at start-up reaches the store's hook through here.
    pub fn set_commit_hook(&self, hook: Arc<dyn CommitHook>) {
        self.store.set_commit_hook(hook);
    }

    /// The PostgreSQL pool, for the LISTEN connection that carries other
    /// instances' party events (none on SQLite). LISTEN is a connection
    /// of its own rather than a transaction, hence the pool itself.
    pub fn listen_pool(&self) -> Option<sqlx::PgPool> {
        self.store.pg_pool().cloned()
    }

    /// The runtime write requests run on, when the database has one
    /// (`store::sqlite::WriterThread`); `http::detach` spawns them there.
    pub fn writer_runtime(&self) -> Option<tokio::runtime::Handle> {
        self.store.writer_runtime().cloned()
    }

    /// Runs `work` on the writer runtime when the database has one, else
    /// here. For writes made outside a write request — a socket's
    /// admission and presence, the ws-token, the background sweeps: on
    /// SQLite the one writer goes from transaction to transaction in a
    /// queue, and a holder on the main runtime first waits to be scheduled
    /// among thousands of socket tasks while the writer sits idle (at 700
    /// parties it was idle a quarter of the time with writes queued for
    /// up to a second).
    pub async fn on_writer<T>(
        &self,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T>
    where
        T: Send + 'static,
    {
        let Some(runtime) = self.store.writer_runtime() else {
            return work.await;
        };
        match runtime.spawn(work.in_current_span()).await {
            Ok(outcome) => outcome,
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(_) => Err(Error::unavailable("The server is shutting down.")),
        }
    }

    /// Closes the database connections (on shutdown, after in-flight
    /// requests finished).
    #[tracing::instrument(skip_all)]
    pub async fn close_store(&self) {
        self.store.close().await;
    }
}

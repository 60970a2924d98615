//! Building and running the server: bind, connect, migrate, seed, serve,
//! and shut down gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::{Clock, ManualClock, SystemClock};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::game::prompts;
use crate::http::rate_limit::RateLimits;
use crate::http::{AppState, router};
use crate::net::{self, ServeOptions};
use crate::realtime::hub::{Hub, HubHook};
use crate::realtime::listener;
use crate::service::{Game, sweeper};
use crate::store::Store;
use crate::tls::{self, CertStore};

/// A server that is bound and connected, ready to [`Application::run`].
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    state: AppState,
    /// Set when the server speaks TLS (`--tls-cert`/`--tls-key`).
    tls: Option<Arc<CertStore>>,
    header_timeout: Duration,
    /// Connections one peer address may hold (`None`: no cap).
    per_ip_cap: Option<usize>,
}

impl Application {
    /// Binds the listener (port 0 picks a free port), connects to the
    /// database, applies migrations and loads the prompt library.
    pub async fn build(config: &Config) -> Result<Self> {
        // A bad certificate stops the start before anything else is touched.
        let tls = config
            .tls_files()
            .map(CertStore::load)
            .transpose()?
            .map(Arc::new);
        let url = config.database_url();
        let store = Store::connect_with(&url, &config.store_options()).await?;
        let mut tx = store.begin().await?;
        let added = tx.seed_prompts(&prompts::library()).await?;
        tx.commit().await?;
        tracing::info!(
            database = store.backend().name(),
            prompts_added = added,
            "database ready"
        );

        let manual_clock = config.manual_clock.then(ManualClock::starting_now);
        let clock: Arc<dyn Clock> = match &manual_clock {
            Some(manual) => Arc::new(manual.clone()),
            None => Arc::new(SystemClock),
        };
        // Build the word set now rather than on the first submitted phrase.
        crate::game::dictionary::preload();
        // Install the metrics recorder before anything records.
        crate::http::metrics::handle();
        let mut game = Game::new(store, clock, config.rules.clone());
        game.quick_match_players = config.quick_match_players;
        let hub = Hub::new(game.clone());
        game.set_commit_hook(Arc::new(HubHook::new(hub.clone())));
        game.register_instance(hub.instance()).await?;
        let state = AppState {
            hub,
            limits: RateLimits::new(config.rate_limits.is_on(), &game.rules),
            game,
            manual_clock,
            sweeper_wake: Arc::new(Notify::new()),
            party_mode: config.party_mode.is_on(),
            trusted_proxies: config.trusted_proxies.clone().into(),
            max_sockets_per_player: config.limits.max_sockets_per_player,
            max_spectators_per_party: config.limits.max_spectators_per_party,
            body_timeout: config.limits.body_timeout(),
            reactions: Arc::default(),
        };
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| Error::internal(format!("cannot listen on {}: {e}", config.bind)))?;
        Ok(Self {
            listener,
            state,
            tls,
            header_timeout: config.limits.header_timeout(),
            per_ip_cap: config.limits.per_ip_cap(config.rate_limits.is_on()),
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::internal(format!("no local address: {e}")))
    }

    /// The root URL clients use: `https://` when the server speaks TLS.
    pub fn url(&self) -> Result<String> {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        Ok(format!("{scheme}://{}", self.local_addr()?))
    }

    /// Serves until `shutdown` completes, then lets in-flight requests
    /// finish, stops the background tasks and closes the database.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let Application {
            listener,
            state,
            tls,
            header_timeout,
            per_ip_cap,
        } = self;
        let cancel = CancellationToken::new();
        let tasks = TaskTracker::new();
        // The background sweeps mostly write: on SQLite they run where
        // writes run (`Game::on_writer` says why).
        let background = state
            .game
            .writer_runtime()
            .unwrap_or_else(tokio::runtime::Handle::current);
        tasks.spawn_on(
            sweeper::run(
                state.game.clone(),
                state.sweeper_wake.clone(),
                cancel.clone(),
            ),
            &background,
        );
        tasks.spawn_on(housekeeping(state.clone(), cancel.clone()), &background);
        tasks.spawn_on(heartbeat(state.clone(), cancel.clone()), &background);
        // The all-time boards' first recount, so no request waits for it.
        let game = state.game.clone();
        tasks.spawn(async move {
            if let Err(err) = game.warm_leaderboards().await {
                tracing::warn!(error = %err, "could not count the all-time leaderboards");
            }
        });
        if let Some(pool) = state.game.listen_pool() {
            tasks.spawn(listener::run(state.hub.clone(), pool, cancel.clone()));
        }
        let tls_config = match &tls {
            Some(store) => {
                tasks.spawn(tls::reload_on_hangup(store.clone(), cancel.clone()));
                Some(store.server_config()?)
            }
            None => None,
        };
        tasks.close();

        let (game, instance) = (state.game.clone(), state.hub.instance());
        let options = ServeOptions {
            header_timeout,
            per_ip_cap,
            exempt: state.trusted_proxies.clone(),
            tls: tls_config,
        };
        let app = router(state);
        let stop = cancel.clone();
        let graceful = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            stop.cancel();
        };
        net::serve(listener, app, options, graceful).await;
        cancel.cancel();
        tasks.wait().await;
        // Sockets still open lose their count with this instance's row.
        if let Err(err) = game.retire_instance(instance).await {
            tracing::warn!(error = %err, "could not unregister this instance");
        }
        game.close_store().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Periodic clean-up that needs no precision: expired tokens, idle rate-limit keys.
async fn housekeeping(state: AppState, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(Duration::from_secs(60)) => {}
        }
        state.limits.shrink();
        if let Err(err) = state.game.purge_expired_tokens().await {
            tracing::warn!(error = %err, "token purge failed");
        }
    }
}

/// Keeps this instance alive in the database and clears the sockets of
/// instances that stopped without saying so (presence across instances).
async fn heartbeat(state: AppState, cancel: CancellationToken) {
    let every = Duration::from_millis(state.game.rules.presence_heartbeat_ms);
    let me = state.hub.instance();
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(every) => {}
        }
        if let Err(err) = state
            .game
            .instance_heartbeat(me, &state.hub.open_by_member())
            .await
        {
            tracing::warn!(error = %err, "heartbeat failed");
        }
        if let Err(err) = state.game.reap_instances(me).await {
            tracing::warn!(error = %err, "could not clear stopped instances");
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

//! [`AppState`]: what every handler is given — the game, the limits, the
//! fan-out hub and the switches of this instance.

use std::sync::Arc;

use tokio::sync::Notify;

use super::rate_limit::RateLimits;
use crate::clock::ManualClock;
use crate::service::Game;

/// Shared state of every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub game: Game,
    pub limits: RateLimits,
    /// Set in `--manual-clock` mode: tests move time through `/qf/test/clock`.
    pub manual_clock: Option<ManualClock>,
    /// Wakes the sweeper early (after the manual clock moves, or when a
    /// party changed and its bots or deadlines may be due).
    pub sweeper_wake: Arc<Notify>,
    /// Party Mode on (the plan's rollback switch, §10.3).
    pub party_mode: bool,
    /// This instance's fan-out of party events to sockets.
    pub hub: Arc<crate::realtime::hub::Hub>,
    /// Peers whose `X-Forwarded-For` is believed (see [`client_ip`]).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Sockets one player may hold on one party (`--max-sockets-per-player`).
    pub max_sockets_per_player: u32,
    /// Spectators one party takes (`--max-spectators-per-party`).
    pub max_spectators_per_party: u32,
    /// How long a request's body may take to arrive (`--body-timeout`).
    pub body_timeout: std::time::Duration,
    /// Each participant's budget of reaction and favourite writes.
    pub reactions: Arc<super::rate_limit::ReactionBudget>,
}

impl AppState {
    /// Called after a party changed: lets the sweeper look for bot turns
    /// and due deadlines right away instead of at its next tick. The sweeper
    /// scans every party, so there is no party to name.
    pub fn wake_sweeper(&self) {
        self.sweeper_wake.notify_one();
    }
}

//! What the tasks of one step share: its configuration, the socket gauge,
//! the step's context and each party's shared state.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use party_protocol::SessionId;
use party_protocol::party::{CreatePartyRequest, PartyCode};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;

use crate::client::Http;
use crate::stats::PartyFanout;

/// One step of load: what to run.
#[derive(Debug, Clone)]
pub struct StepConfig {
    pub parties: usize,
    pub players: usize,
    /// Spectators watching each party (guests that only watch).
    pub spectators: usize,
    pub interval: Duration,
    pub create: CreatePartyRequest,
    /// Nothing runs past this instant (the `--max-seconds` cap).
    pub deadline: Instant,
    pub mode: Mode,
}

/// How parties are started (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Once,
    Continuous {
        /// Party starts are spread over this (about one party's length).
        warmup: Duration,
        /// Then measured for this long.
        window: Duration,
    },
}

impl StepConfig {
    /// The slots a player may use: the script needs about 10 + 2 × rounds.
    pub(super) fn max_slots(&self) -> u32 {
        let prompts = self.create.prompts_per_player.unwrap_or(1);
        let copies = self.create.copies_per_player.unwrap_or(2 * prompts);
        let votes = self.create.votes_per_player.unwrap_or(3);
        // The host waits in the lobby for its spectators to settle: about
        // a slot for every 100 of them.
        let watchers = self.spectators.div_ceil(100) as i64;
        (30 + 4 * (prompts + copies + votes) + watchers) as u32
    }
}

/// What one step did (the recorder holds the latencies).
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    pub parties_completed: usize,
    /// Parties that ended inside the measured window.
    pub completed_in_window: usize,
    /// Parties still running when the window closed (continuous mode).
    pub parties_cut: usize,
    /// From the first slot to the last player's end.
    pub duration: Duration,
    pub connected_peak: i64,
    /// Spectators that watched their party to its end.
    pub spectators_completed: usize,
    /// Spectators that could not watch, or missed the end.
    pub spectators_failed: usize,
    /// Spectators of parties cut by the window's end.
    pub spectators_cut: usize,
    pub spectator_sockets_peak: i64,
}

/// Open sockets now and at most.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicI64,
    peak: AtomicI64,
}

/// Counts one open socket until dropped (an aborted task drops it too).
#[derive(Debug)]
pub(super) struct Open<'a>(&'a Gauge);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Gauge {
    pub(super) fn open(&self) -> Open<'_> {
        let n = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(n, Ordering::Relaxed);
        Open(self)
    }

    pub fn now(&self) -> i64 {
        self.now.load(Ordering::Relaxed)
    }

    pub fn peak(&self) -> i64 {
        self.peak.load(Ordering::Relaxed)
    }
}

/// What the step tells its caller about its spectators, so it can read
/// the server's memory around them.
#[derive(Debug, Clone)]
pub struct SpectatorSignals {
    /// Every spectator guest is signed up; none watches yet.
    pub signed_up: watch::Sender<bool>,
    /// Spectators settled (watching, or given up) since the step began.
    pub settled: watch::Sender<usize>,
}

impl Default for SpectatorSignals {
    fn default() -> Self {
        SpectatorSignals {
            signed_up: watch::channel(false).0,
            settled: watch::channel(0).0,
        }
    }
}

/// What every task of a step shares.
#[derive(Debug)]
pub(super) struct Ctx {
    pub(super) http: Http,
    pub(super) cfg: StepConfig,
    /// Players stop at their first slot after this (the window's end, or
    /// the deadline).
    pub(super) stop_at: Instant,
    pub(super) sockets: Arc<Gauge>,
    /// Spectator sockets open now and at most.
    pub(super) spectator_sockets: Arc<Gauge>,
    pub(super) signals: SpectatorSignals,
    /// Bounds the spectators entering at once, so thousands of them do
    /// not open thousands of HTTP connections in the same instant.
    pub(super) spectator_entry: Semaphore,
}

/// How a party ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    Completed,
    /// Still running when the measured window closed.
    Cut,
    Failed,
}

/// What the players of one party share.
#[derive(Debug)]
pub(super) struct Party {
    /// The host's first slot; member `j` is `j/N` of an interval later.
    pub(super) t0: Instant,
    /// The host publishes the session and its code here.
    pub(super) opened: watch::Sender<Option<(SessionId, PartyCode)>>,
    pub(super) fanout: PartyFanout,
    /// The same events, as the party's spectators received them.
    pub(super) spectator_fanout: PartyFanout,
    /// Spectators not yet watching (nor given up): the host starts the
    /// party only when this is zero, so every spectator sees the game.
    pub(super) spectators_pending: AtomicUsize,
    /// How the party ended for its players, once they all did.
    pub(super) ended: watch::Sender<Option<End>>,
}

impl Party {
    pub(super) fn new(t0: Instant, spectators: usize) -> Self {
        Party {
            t0,
            opened: watch::channel(None).0,
            fanout: PartyFanout::default(),
            spectator_fanout: PartyFanout::default(),
            spectators_pending: AtomicUsize::new(spectators),
            ended: watch::channel(None).0,
        }
    }

    pub(super) fn spectators_watching(&self) -> bool {
        self.spectators_pending.load(Ordering::Acquire) == 0
    }
}

/// Marks one spectator settled, once: it watches, or it gave up.
#[derive(Debug)]
pub(super) struct Settled(watch::Sender<bool>);

impl Default for Settled {
    fn default() -> Self {
        Settled(watch::channel(false).0)
    }
}

impl Settled {
    pub(super) fn fire(&self, ctx: &Ctx, party: &Party) {
        if !self.0.send_replace(true) {
            party.spectators_pending.fetch_sub(1, Ordering::AcqRel);
            ctx.signals.settled.send_modify(|n| *n += 1);
        }
    }

    /// Returns once [`Settled::fire`] was called.
    pub(super) async fn wait(&self) {
        let _ = self.0.subscribe().wait_for(|done| *done).await;
    }
}

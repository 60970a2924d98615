//! The game's use cases. Each public method is one database transaction:
//! load, decide (pure code in [`crate::game`]), write, commit. HTTP
//! handlers call these and do nothing else.
//!
//! Each use case runs in a `tracing` span named after it, carrying the
//! player, party and round ids it was called with (never a password or
//! token: every span skips its arguments and names its fields). The spans
//! are at the default `info` level on purpose: a span adds no log line of
//! its own, only context to the lines logged inside it — slow-query and
//! store warnings, the sweeper's reports — so at the default filter an
//! operator sees which player, party or round such a line concerns, for
//! the cost of a few microseconds next to a database transaction. Errors
//! are not recorded on the spans: an internal error is logged once where
//! it becomes a response (`crate::error`), and an API error is a normal
//! outcome, visible as the request's status.

mod accounts;
pub(crate) mod friends;
mod house;
pub(crate) mod inbox;
mod ops;
mod party;
mod phrasesets;
mod realtime;
mod rounds;
pub mod sweeper;

use std::sync::Arc;

use crate::auth::password::PasswordHasher;
use crate::clock::{Clock, Millis};
use crate::config::GameRules;
use crate::http::rate_limit::ChatBudget;
use crate::store::Store;

pub use accounts::AuthPlayer;
pub use inbox::Inbox;
pub use party::{ChatNotice, PartySweep};
pub use realtime::SocketAdmission;

/// Everything the use cases need: storage, time and the rules.
#[derive(Debug, Clone)]
pub struct Game {
    /// Private: every transaction is opened by a use case in this module
    /// tree, never by the HTTP or socket layers.
    store: Store,
    pub clock: Arc<dyn Clock>,
    pub rules: Arc<GameRules>,
    pub hasher: PasswordHasher,
    /// Taken around each sweep, and by the test clock around "move the
    /// clock, then sweep": otherwise the background sweeper could see the
    /// new time first and do the work, and the test clock's sweep report
    /// (which tests assert on) would miss it.
    pub sweep_turn: Arc<tokio::sync::Mutex<()>>,
    /// Wakes this instance's player sockets when an invite reaches them.
    pub inbox: Arc<Inbox>,
    /// Wrong party passwords per player and party (see `party::attempts`).
    pub password_attempts: Arc<party::PasswordAttempts>,
    /// The players one quick-match party seats (`--quick-match-players`).
    pub quick_match_players: i64,
    /// The all-time leaderboards as last recounted here.
    pub boards: Arc<party::AllTimeBoards>,
    /// Party chat messages per player and party (README "Party chat").
    pub party_chat_budget: Arc<ChatBudget>,
}

impl Game {
    pub fn new(store: Store, clock: Arc<dyn Clock>, rules: GameRules) -> Self {
        // Two hashes at a time keeps one core free for everything else on a
        // small machine while still overlapping the blocking work.
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        Self {
            store,
            clock,
            rules: Arc::new(rules),
            hasher: PasswordHasher::new(parallel),
            sweep_turn: Arc::default(),
            inbox: Arc::default(),
            password_attempts: Arc::default(),
            quick_match_players: crate::config::DEFAULT_QUICK_MATCH_PLAYERS,
            boards: Arc::default(),
            party_chat_budget: Arc::new(ChatBudget::new(
                party_protocol::party_chat::CHAT_BURST,
                std::time::Duration::from_secs(party_protocol::party_chat::CHAT_REFILL_SECS),
            )),
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }
}

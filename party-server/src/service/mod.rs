//! The game's use cases. Each public method is one database transaction:
//! load, decide (pure code in [`crate::game`]), write, commit. HTTP
//! handlers call these and do nothing else.

mod accounts;
mod party;
mod phrasesets;
mod rounds;
pub mod sweeper;

use std::sync::Arc;

use crate::auth::password::PasswordHasher;
use crate::clock::{Clock, Millis};
use crate::config::GameRules;
use crate::store::Store;

pub use accounts::AuthPlayer;
pub use party::PartySweep;

/// Everything the use cases need: storage, time and the rules.
#[derive(Debug, Clone)]
pub struct Game {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub rules: Arc<GameRules>,
    pub hasher: PasswordHasher,
    /// One sweep at a time: the background loop and a test's clock advance
    /// must not interleave, or the advance could return before the sweep
    /// that did its work has committed.
    sweep_lock: Arc<tokio::sync::Mutex<()>>,
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
            sweep_lock: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }
}

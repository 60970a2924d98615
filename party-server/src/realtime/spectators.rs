//! What one instance keeps for the spectators of its parties: the chat
//! channel of each party, each spectator's chat budget, and the spectator
//! snapshot shared by the sockets opening at about the same time. The
//! sockets themselves are served by [`super::spectator`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use party_protocol::PlayerId;
use tokio::sync::broadcast;
use tokio::time::Instant;
use uuid::Uuid;

use crate::http::rate_limit::ChatBudget;

/// Chat messages buffered per party before a slow spectator misses some
/// (chat is not an event: nothing is replayed, a lagging socket skips on).
const CHAT_CAPACITY: usize = 64;
/// How long a built spectator snapshot is handed to new sockets.
const SNAPSHOT_FRESH: Duration = Duration::from_secs(1);

/// Chat rate limit per spectator and party: a burst of this many messages,
/// then one more every [`CHAT_REFILL_MS`] milliseconds.
pub const CHAT_BURST: u32 = 3;
pub const CHAT_REFILL_MS: u64 = 2000;

/// A spectator `session_update`, serialized once for the sockets opening
/// within [`SNAPSHOT_FRESH`].
#[derive(Debug)]
struct Snapshot {
    seq: i64,
    made: Instant,
    text: Arc<str>,
}

/// What this instance keeps for the spectators of its parties.
#[derive(Debug)]
pub struct Spectators {
    chat: Mutex<HashMap<Uuid, broadcast::Sender<Arc<str>>>>,
    /// The chat budget of each (party, spectator).
    chat_budget: ChatBudget,
    /// The last spectator snapshot built per party.
    snapshots: Mutex<HashMap<Uuid, Snapshot>>,
    open: AtomicUsize,
}

impl Default for Spectators {
    fn default() -> Self {
        Spectators {
            chat: Mutex::default(),
            chat_budget: ChatBudget::new(CHAT_BURST, Duration::from_millis(CHAT_REFILL_MS)),
            snapshots: Mutex::default(),
            open: AtomicUsize::new(0),
        }
    }
}

impl Spectators {
    /// Subscribes to a party's spectator chat.
    pub(super) fn subscribe_chat(&self, party: Uuid) -> Option<broadcast::Receiver<Arc<str>>> {
        let mut chat = self.chat.lock().ok()?;
        Some(
            chat.entry(party)
                .or_insert_with(|| broadcast::channel(CHAT_CAPACITY).0)
                .subscribe(),
        )
    }

    /// Drops a party's chat channel and snapshot once no spectator listens.
    pub(super) fn release(&self, party: Uuid) {
        if let Ok(mut chat) = self.chat.lock()
            && chat.get(&party).is_some_and(|c| c.receiver_count() == 0)
        {
            chat.remove(&party);
            if let Ok(mut snapshots) = self.snapshots.lock() {
                snapshots.remove(&party);
            }
        }
    }

    /// Hands a chat message to this instance's spectators of `party`.
    pub fn chat(&self, party: Uuid, frame: &str) {
        if let Ok(chat) = self.chat.lock()
            && let Some(sender) = chat.get(&party)
        {
            let _ = sender.send(Arc::from(frame));
        }
    }

    /// Takes one chat message from the spectator's budget, or says how
    /// many whole seconds until the next one is allowed.
    pub fn allow_chat(&self, party: Uuid, player: PlayerId) -> std::result::Result<(), u64> {
        self.chat_budget.take(party, player)
    }

    pub(super) fn socket_opened(&self) {
        self.open.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn socket_closed(&self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }

    /// Spectator sockets open on this instance.
    pub fn open_sockets(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    pub(super) fn cached_snapshot(&self, party: Uuid) -> Option<(i64, Arc<str>)> {
        let snapshots = self.snapshots.lock().ok()?;
        let kept = snapshots.get(&party)?;
        (kept.made.elapsed() < SNAPSHOT_FRESH).then(|| (kept.seq, kept.text.clone()))
    }

    pub(super) fn keep_snapshot(&self, party: Uuid, seq: i64, text: Arc<str>) {
        if let Ok(mut snapshots) = self.snapshots.lock() {
            snapshots.insert(
                party,
                Snapshot {
                    seq,
                    made: Instant::now(),
                    text,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CHAT_BURST, Spectators};
    use party_protocol::PlayerId;
    use uuid::Uuid;

    #[test]
    fn chat_allows_a_burst_then_asks_to_wait() {
        let spectators = Spectators::default();
        let (party, who) = (Uuid::new_v4(), PlayerId::new());
        for _ in 0..CHAT_BURST {
            assert_eq!(spectators.allow_chat(party, who), Ok(()));
        }
        let wait = spectators.allow_chat(party, who).unwrap_err();
        assert!((1..=2).contains(&wait), "{wait}");
        // Another spectator, or the same one on another party, is not held back.
        assert_eq!(spectators.allow_chat(party, PlayerId::new()), Ok(()));
        assert_eq!(spectators.allow_chat(Uuid::new_v4(), who), Ok(()));
    }
}

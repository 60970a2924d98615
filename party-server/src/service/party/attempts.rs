//! The limit on wrong party passwords: per player and party, a few wrong
//! guesses in a window, then every attempt (right or wrong) is refused
//! until the oldest guess leaves the window.
//!
//! Kept in memory, not in the database: a refused join writes nothing, and
//! the count needs no durability (a restart forgets it, which only helps a
//! guesser by one window). With several instances each counts its own.

use std::collections::HashMap;
use std::sync::Mutex;

use party_protocol::PlayerId;
use uuid::Uuid;

use crate::clock::Millis;

/// Wrong guesses allowed per player and party within [`WINDOW_MS`].
pub const MAX_WRONG: usize = 5;
/// The window, in milliseconds (game clock).
pub const WINDOW_MS: i64 = 10 * 60_000;
/// Keys kept before stale ones are swept out (bounds memory).
const SWEEP_AT: usize = 4096;

type Key = (PlayerId, Uuid);

#[derive(Debug, Default)]
pub struct PasswordAttempts {
    wrong: Mutex<HashMap<Key, Vec<i64>>>,
}

impl PasswordAttempts {
    /// Seconds until the player may try this party's password again, if
    /// they are locked out now.
    pub fn locked_for(&self, player: PlayerId, party: Uuid, now: Millis) -> Option<u64> {
        let wrong = self
            .wrong
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = wrong.get(&(player, party))?;
        let recent: Vec<i64> = times
            .iter()
            .copied()
            .filter(|t| *t > now.0 - WINDOW_MS)
            .collect();
        if recent.len() < MAX_WRONG {
            return None;
        }
        let oldest = recent.iter().copied().min().unwrap_or(now.0);
        let wait_ms = (oldest + WINDOW_MS - now.0).max(1);
        Some((wait_ms as u64).div_ceil(1000))
    }

    /// Counts a wrong guess.
    pub fn wrong(&self, player: PlayerId, party: Uuid, now: Millis) {
        let mut wrong = self
            .wrong
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if wrong.len() >= SWEEP_AT {
            wrong.retain(|_, times| times.iter().any(|t| *t > now.0 - WINDOW_MS));
        }
        let times = wrong.entry((player, party)).or_default();
        times.retain(|t| *t > now.0 - WINDOW_MS);
        times.push(now.0);
    }

    /// Forgets the guesses of a player who got in.
    pub fn clear(&self, player: PlayerId, party: Uuid) {
        let mut wrong = self
            .wrong
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        wrong.remove(&(player, party));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_frees_when_the_window_passes() {
        let attempts = PasswordAttempts::default();
        let (me, party, other) = (PlayerId::new(), Uuid::new_v4(), Uuid::new_v4());
        for i in 0..MAX_WRONG as i64 {
            assert_eq!(attempts.locked_for(me, party, Millis(i * 1000)), None);
            attempts.wrong(me, party, Millis(i * 1000));
        }
        let wait = attempts.locked_for(me, party, Millis(5000)).unwrap();
        assert_eq!(wait, (WINDOW_MS as u64 - 5000).div_ceil(1000));
        // Another party, and another player, are not affected.
        assert_eq!(attempts.locked_for(me, other, Millis(5000)), None);
        assert_eq!(
            attempts.locked_for(PlayerId::new(), party, Millis(5000)),
            None
        );
        // The first guess leaves the window: one more try.
        assert_eq!(attempts.locked_for(me, party, Millis(WINDOW_MS + 1)), None);
    }

    #[test]
    fn clearing_forgets_the_guesses() {
        let attempts = PasswordAttempts::default();
        let (me, party) = (PlayerId::new(), Uuid::new_v4());
        for _ in 0..MAX_WRONG {
            attempts.wrong(me, party, Millis(0));
        }
        assert!(attempts.locked_for(me, party, Millis(1)).is_some());
        attempts.clear(me, party);
        assert_eq!(attempts.locked_for(me, party, Millis(1)), None);
    }
}

//! The host command's limits: how many games run at once and how often one
//! address may connect. Idle time and input size are enforced per session
//! (see `session.rs`); the numbers all live in [`Limits`].

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The host command's limits (each one a flag; see `party-tui host --help`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Games served at once.
    pub max_sessions: usize,
    /// New connections one IP address may open in any minute.
    pub per_ip_per_minute: usize,
    /// A game with no key pressed for this long is closed.
    pub idle_timeout: Duration,
    /// Bytes of input read from one packet; the rest is dropped.
    pub max_input: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: 32,
            per_ip_per_minute: 20,
            idle_timeout: Duration::from_secs(30 * 60),
            max_input: 1024,
        }
    }
}

/// Counts running games; a slot is given back when its guard drops.
#[derive(Debug)]
pub struct Slots {
    max: usize,
    used: Arc<AtomicUsize>,
}

/// One running game's place.
#[derive(Debug)]
pub struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Slots {
    pub fn new(max: usize) -> Self {
        Slots {
            max,
            used: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place, unless `max` games already run.
    pub fn try_take(&self) -> Option<Slot> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(&self.used)))
    }

    pub fn in_use(&self) -> usize {
        self.used.load(Ordering::Acquire)
    }
}

/// New connections per address in a sliding minute.
#[derive(Debug)]
pub struct ConnectionRate {
    per_minute: usize,
    seen: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl ConnectionRate {
    pub fn new(per_minute: usize) -> Self {
        ConnectionRate {
            per_minute,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `ip` may connect at `now`; an allowed connection is counted,
    /// a refused one is not (so a client that keeps retrying gets in once
    /// its earlier connections have aged out of the minute).
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget addresses that have been quiet for a minute, so the map
        // holds only recent visitors however many there were.
        if seen.len() > 1024 {
            seen.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let times = seen.entry(ip).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= self.per_minute {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_run_out_and_come_back() {
        let slots = Slots::new(2);
        let a = slots.try_take().unwrap();
        let _b = slots.try_take().unwrap();
        assert!(slots.try_take().is_none());
        assert_eq!(slots.in_use(), 2);
        drop(a);
        assert_eq!(slots.in_use(), 1);
        assert!(slots.try_take().is_some());
    }

    #[test]
    fn connections_per_address_per_minute() {
        let rate = ConnectionRate::new(3);
        let t0 = Instant::now();
        let me: IpAddr = [10, 0, 0, 1].into();
        let you: IpAddr = [10, 0, 0, 2].into();
        for i in 0..3 {
            assert!(rate.allow(me, t0 + Duration::from_secs(i)));
        }
        assert!(!rate.allow(me, t0 + Duration::from_secs(10)));
        // Another address has its own count.
        assert!(rate.allow(you, t0 + Duration::from_secs(10)));
        // A minute after the first connection, one more is allowed.
        assert!(rate.allow(me, t0 + Duration::from_secs(60)));
        assert!(!rate.allow(me, t0 + Duration::from_secs(60)));
        assert!(rate.allow(me, t0 + Duration::from_secs(62)));
    }
}

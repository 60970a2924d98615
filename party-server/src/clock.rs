//! Where "now" comes from.
//!
//! Every rule with a timer (round expiry, grace, finalization delays, daily
//! bonus days, token lifetimes) reads the time from a [`Clock`], never from
//! the system directly, so tests can move time forward instead of sleeping.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

/// Milliseconds since the Unix epoch, UTC: the one time representation used
/// in storage (it sorts and compares the same way on SQLite and PostgreSQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Millis(pub i64);

impl Millis {
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Millis((at.unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    #[must_use]
    pub const fn plus_secs(self, secs: i64) -> Self {
        Millis(self.0 + secs * 1000)
    }

    #[must_use]
    pub const fn minus_secs(self, secs: i64) -> Self {
        Millis(self.0 - secs * 1000)
    }

    /// The UTC calendar day, counted from the epoch (for the daily bonus).
    pub const fn utc_day(self) -> i64 {
        self.0.div_euclid(86_400_000)
    }
}

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Millis;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        Millis::from_datetime(OffsetDateTime::now_utc())
    }
}

/// A clock that starts at the real time and only moves when told to. The
/// server uses it in `--manual-clock` mode, where tests advance it over HTTP.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now_ms: Arc<AtomicI64>,
}

impl ManualClock {
    pub fn starting_now() -> Self {
        Self::starting_at(SystemClock.now())
    }

    pub fn starting_at(at: Millis) -> Self {
        Self {
            now_ms: Arc::new(AtomicI64::new(at.0)),
        }
    }

    /// Moves time forward (never backward: a negative step is ignored).
    pub fn advance_ms(&self, ms: i64) -> Millis {
        Millis(self.now_ms.fetch_add(ms.max(0), Ordering::SeqCst) + ms.max(0))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        Millis(self.now_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_forward() {
        let clock = ManualClock::starting_at(Millis(1_000));
        assert_eq!(clock.advance_ms(500), Millis(1_500));
        assert_eq!(clock.advance_ms(-10_000), Millis(1_500));
        assert_eq!(clock.now(), Millis(1_500));
    }

    #[test]
    fn millis_round_trip_through_datetime() {
        let at = Millis(1_736_935_200_123);
        assert_eq!(Millis::from_datetime(at.to_datetime()), at);
        assert_eq!(Millis(86_400_000 * 3 + 5).utc_day(), 3);
        assert_eq!(Millis(-1).utc_day(), -1);
    }
}

//! Request rate limits (api.md): per IP on sign-up and login routes, per
//! player on authenticated routes. `PARTY_RATE_LIMITS=off` disables both.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use party_protocol::PlayerId;
use uuid::Uuid;

use crate::config::GameRules;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct RateLimits {
    inner: Option<Arc<Limiters>>,
}

#[derive(Debug)]
struct Limiters {
    auth_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_player: DefaultKeyedRateLimiter<PlayerId>,
}

impl RateLimits {
    pub fn new(enabled: bool, rules: &GameRules) -> Self {
        let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        let inner = enabled.then(|| {
            Arc::new(Limiters {
                auth_per_ip: RateLimiter::keyed(Quota::per_minute(nz(
                    rules.auth_requests_per_minute_per_ip
                ))),
                per_player: RateLimiter::keyed(
                    Quota::per_second(nz(rules.requests_per_second_per_player))
                        .allow_burst(nz(rules.requests_per_second_per_player.saturating_mul(2))),
                ),
            })
        });
        Self { inner }
    }

    pub fn check_auth_ip(&self, ip: IpAddr) -> Result<()> {
        match &self.inner {
            Some(l) => check(&l.auth_per_ip, &ip),
            None => Ok(()),
        }
    }

    pub fn check_player(&self, player: PlayerId) -> Result<()> {
        match &self.inner {
            Some(l) => check(&l.per_player, &player),
            None => Ok(()),
        }
    }

    /// Forgets keys that are back at full quota, so memory stays bounded.
    pub fn shrink(&self) {
        if let Some(l) = &self.inner {
            l.auth_per_ip.retain_recent();
            l.per_player.retain_recent();
        }
    }
}

fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<()> {
    check_key(limiter, key).map_err(Error::rate_limited)
}

/// Takes one from `key`'s quota, or says in how many whole seconds (at
/// least one) the next is allowed: the `Retry-After` of `429 rate_limited`.
pub fn check_key<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> std::result::Result<(), u64> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
    })
}

/// Chat budgets kept before the ones back at full are forgotten.
const CHAT_BUDGETS_KEPT: usize = 10_000;

/// A chat budget per party and player: a burst of messages, then one more
/// every refill period. Kept in memory per instance, like the request
/// limits, and on even with `--rate-limits off`: it is a rule of the room,
/// not a load-test knob. Spectator chat and party chat each have one.
#[derive(Debug)]
pub struct ChatBudget {
    limiter: DefaultKeyedRateLimiter<(Uuid, PlayerId)>,
}

impl ChatBudget {
    pub fn new(burst: u32, refill: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(refill)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        ChatBudget {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Takes one message from the player's budget in this party, or says
    /// in how many whole seconds the next one is allowed.
    pub fn take(&self, party: Uuid, player: PlayerId) -> std::result::Result<(), u64> {
        // Forget budgets back at full now and then, so the map stays small.
        if self.limiter.len() > CHAT_BUDGETS_KEPT {
            self.limiter.retain_recent();
        }
        check_key(&self.limiter, &(party, player))
    }
}

/// Reaction and favourite writes per participant and party: a burst of
/// this many, then one more every [`REACTION_REFILL_MS`] milliseconds.
pub const REACTION_BURST: u32 = 10;
pub const REACTION_REFILL_MS: u64 = 500;

/// Each (party, player)'s budget of reaction and favourite writes: every
/// write is an event every member's socket receives, so one player cannot
/// flood the party. A [`ChatBudget`] by another name: on even with
/// `--rate-limits off` (a rule of the room).
#[derive(Debug)]
pub struct ReactionBudget(ChatBudget);

impl Default for ReactionBudget {
    fn default() -> Self {
        ReactionBudget(ChatBudget::new(
            REACTION_BURST,
            Duration::from_millis(REACTION_REFILL_MS),
        ))
    }
}

impl ReactionBudget {
    /// Takes one write from the budget, or `429 rate_limited` with the wait.
    pub fn allow(&self, party: Uuid, player: PlayerId) -> Result<()> {
        self.0.take(party, player).map_err(Error::rate_limited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_protocol::ErrorCode;

    #[test]
    fn limits_refuse_past_the_quota_with_retry_after() {
        let rules = GameRules {
            auth_requests_per_minute_per_ip: 2,
            ..GameRules::default()
        };
        let limits = RateLimits::new(true, &rules);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limits.check_auth_ip(ip).is_ok());
        assert!(limits.check_auth_ip(ip).is_ok());
        let err = limits.check_auth_ip(ip).unwrap_err();
        assert_eq!(err.code(), ErrorCode::RateLimited);
        assert!(matches!(err, Error::Api { retry_after: Some(s), .. } if s >= 1));
        // Another IP has its own quota.
        assert!(limits.check_auth_ip("127.0.0.2".parse().unwrap()).is_ok());
    }

    #[test]
    fn reactions_allow_a_burst_then_a_wait_per_party_and_player() {
        let budget = ReactionBudget::default();
        let (party, who) = (Uuid::new_v4(), PlayerId::new());
        for _ in 0..REACTION_BURST {
            assert!(budget.allow(party, who).is_ok());
        }
        let err = budget.allow(party, who).unwrap_err();
        assert_eq!(err.code(), ErrorCode::RateLimited);
        assert!(budget.allow(party, PlayerId::new()).is_ok());
        assert!(budget.allow(Uuid::new_v4(), who).is_ok());
    }

    #[test]
    fn disabled_limits_never_refuse() {
        let rules = GameRules {
            auth_requests_per_minute_per_ip: 1,
            ..GameRules::default()
        };
        let limits = RateLimits::new(false, &rules);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..10 {
            assert!(limits.check_auth_ip(ip).is_ok());
        }
    }
}

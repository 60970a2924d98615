//! What a match costs one player, from the party's quotas and the entry
//! prices the server reports, and the words of the low-balance warning
//! (plan §7.5). The client knows no price of its own: a server with other
//! rules, or a copy discount in force, changes the amount shown.

use std::fmt;

use party_protocol::Coins;
use party_protocol::party::{
    PARTY_PROMPTS_PER_PLAYER, PARTY_VOTES_PER_PLAYER, PartyStatusResponse,
};
use party_protocol::round::RoundAvailability;

/// One player's work in a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    pub prompts: i64,
    pub copies: i64,
    pub votes: i64,
}

impl Quotas {
    /// The least any party asks: the fewest prompts a host may choose,
    /// their two copies each, the fewest votes.
    pub fn smallest() -> Self {
        let prompts = *PARTY_PROMPTS_PER_PLAYER.start();
        Quotas {
            prompts,
            copies: 2 * prompts,
            votes: *PARTY_VOTES_PER_PLAYER.start(),
        }
    }

    /// A joined party's configured quotas (the most it can ask of anyone).
    pub fn of_party(status: &PartyStatusResponse) -> Self {
        Quotas {
            prompts: status.prompts_per_player,
            copies: status.copies_per_player,
            votes: status.votes_per_player,
        }
    }
}

impl fmt::Display for Quotas {
    /// "1 prompt, 2 copies, 3 votes".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: i64, one: &'static str, many: &'static str| {
            if n == 1 { one } else { many }
        };
        write!(
            f,
            "{} {}, {} {}, {} {}",
            self.prompts,
            plural(self.prompts, "prompt", "prompts"),
            self.copies,
            plural(self.copies, "copy", "copies"),
            self.votes,
            plural(self.votes, "vote", "votes"),
        )
    }
}

/// The entry price of each kind of round, as the server last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prices {
    pub prompt: Coins,
    /// The copy price now: discounted while many prompts wait.
    pub copy: Coins,
    pub vote: Coins,
}

impl From<&RoundAvailability> for Prices {
    fn from(a: &RoundAvailability) -> Self {
        Prices {
            prompt: a.prompt_cost,
            copy: a.copy_cost,
            vote: a.vote_cost,
        }
    }
}

/// The most a match can cost a player at these prices: every quota met.
/// It is an upper bound: a player may be assigned fewer votes than the
/// quota (never more sets than they may vote on), and nobody pays for work
/// forfeited at a deadline. Negative counts (never sent) count as none, and
/// the sum saturates rather than wrap.
pub fn match_cost(quotas: Quotas, prices: Prices) -> Coins {
    let part = |count: i64, price: Coins| count.max(0).saturating_mul(price.get().max(0));
    Coins::new(
        part(quotas.prompts, prices.prompt)
            .saturating_add(part(quotas.copies, prices.copy))
            .saturating_add(part(quotas.votes, prices.vote)),
    )
}

/// A match's work and its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchCost {
    pub quotas: Quotas,
    pub cost: Coins,
}

impl MatchCost {
    pub fn new(quotas: Quotas, prices: Prices) -> Self {
        MatchCost {
            quotas,
            cost: match_cost(quotas, prices),
        }
    }

    pub fn covered_by(&self, wallet: Coins) -> bool {
        wallet >= self.cost
    }

    /// "This match costs up to 230 FC (1 prompt, 2 copies, 3 votes)."
    pub fn sentence(&self) -> String {
        format!("This match costs up to {} ({}).", self.cost, self.quotas)
    }

    /// The warning for a party the player is creating or is in.
    pub fn warning(&self, wallet: Coins) -> Option<String> {
        (!self.covered_by(wallet)).then(|| {
            format!(
                "{} You have {wallet}: you may run out mid-game.",
                self.sentence()
            )
        })
    }

    /// The warning before the party is known (dashboard, join dialog):
    /// not even the smallest match is covered.
    pub fn smallest_warning(&self, wallet: Coins) -> Option<String> {
        (!self.covered_by(wallet)).then(|| {
            format!(
                "Even the smallest match ({}) costs {}; you have {wallet}.",
                self.quotas, self.cost
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default rules' prices (game-rules.md), as a server reports them.
    fn prices(copy: i64) -> Prices {
        Prices {
            prompt: Coins::new(100),
            copy: Coins::new(copy),
            vote: Coins::new(10),
        }
    }

    fn quotas(prompts: i64, votes: i64) -> Quotas {
        Quotas {
            prompts,
            copies: 2 * prompts,
            votes,
        }
    }

    #[test]
    fn the_default_party_costs_what_the_plan_adds_up() {
        // Plan §7.5: prompt 100, two copies 100, three votes 30.
        assert_eq!(match_cost(quotas(1, 3), prices(50)), Coins::new(230));
    }

    #[test]
    fn every_quota_and_every_price_counts() {
        assert_eq!(match_cost(quotas(3, 5), prices(50)), Coins::new(650));
        assert_eq!(match_cost(quotas(2, 1), prices(50)), Coins::new(410));
        let odd = Prices {
            prompt: Coins::new(7),
            copy: Coins::new(11),
            vote: Coins::new(13),
        };
        let q = Quotas {
            prompts: 1,
            copies: 2,
            votes: 3,
        };
        assert_eq!(match_cost(q, odd), Coins::new(7 + 22 + 39));
    }

    #[test]
    fn the_copy_discount_lowers_the_cost() {
        assert_eq!(match_cost(quotas(1, 3), prices(40)), Coins::new(210));
        assert_eq!(match_cost(quotas(3, 3), prices(40)), Coins::new(570));
    }

    #[test]
    fn nonsense_counts_cost_nothing_and_huge_ones_saturate() {
        let q = Quotas {
            prompts: -1,
            copies: 0,
            votes: 0,
        };
        assert_eq!(match_cost(q, prices(50)), Coins::ZERO);
        let huge = Quotas {
            prompts: i64::MAX,
            copies: i64::MAX,
            votes: 1,
        };
        assert_eq!(match_cost(huge, prices(50)), Coins::new(i64::MAX));
    }

    #[test]
    fn the_smallest_party_is_one_prompt_two_copies_one_vote() {
        assert_eq!(Quotas::smallest(), quotas(1, 1));
        assert_eq!(
            MatchCost::new(Quotas::smallest(), prices(50)).cost,
            Coins::new(210)
        );
    }

    #[test]
    fn quotas_read_in_words() {
        assert_eq!(quotas(1, 1).to_string(), "1 prompt, 2 copies, 1 vote");
        assert_eq!(quotas(3, 5).to_string(), "3 prompts, 6 copies, 5 votes");
    }

    #[test]
    fn a_wallet_short_of_the_cost_is_warned_with_both_amounts() {
        let m = MatchCost::new(quotas(1, 3), prices(50));
        assert_eq!(m.warning(Coins::new(230)), None, "exactly enough");
        assert_eq!(
            m.warning(Coins::new(229)).as_deref(),
            Some(
                "This match costs up to 230 FC (1 prompt, 2 copies, 3 votes). \
                 You have 229 FC: you may run out mid-game."
            )
        );
        let small = MatchCost::new(Quotas::smallest(), prices(50));
        assert_eq!(small.smallest_warning(Coins::new(210)), None);
        assert_eq!(
            small.smallest_warning(Coins::new(120)).as_deref(),
            Some(
                "Even the smallest match (1 prompt, 2 copies, 1 vote) costs 210 FC; you have 120 FC."
            )
        );
    }
}

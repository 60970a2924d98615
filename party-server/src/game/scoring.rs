//! The money arithmetic of a phraseset, as pure functions (game-rules §2, §5).

use crate::config::GameRules;

/// How the three phrases of a phraseset did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoteTally {
    pub original: i64,
    pub copy1: i64,
    pub copy2: i64,
}

/// Points and prize of each role, and what stays in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrizeSplit {
    pub points: [i64; 3],
    /// Gross prize per role: original, copy 1, copy 2.
    pub payouts: [i64; 3],
    /// The rounding remainder, which stays in the pool.
    pub remainder: i64,
}

/// Splits `pool` between the original and the two copies.
///
/// The original earns a point per correct vote, each copy two points per
/// voter it fooled; each role gets `floor(points × pool / total)`. With no
/// points at all each role gets `floor(pool / 3)`.
pub fn split_prize(rules: &GameRules, pool: i64, tally: VoteTally) -> PrizeSplit {
    let points = [
        tally.original * rules.points_per_correct_vote,
        tally.copy1 * rules.points_per_fooled_vote,
        tally.copy2 * rules.points_per_fooled_vote,
    ];
    let total: i64 = points.iter().sum();
    let payouts = if total == 0 {
        [pool / 3; 3]
    } else {
        points.map(|p| mul_div_floor(p, pool, total))
    };
    PrizeSplit {
        points,
        payouts,
        remainder: pool - payouts.iter().sum::<i64>(),
    }
}

/// Where a payout goes: the wallet and the vault parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayoutSplit {
    pub wallet: i64,
    pub vault: i64,
}

/// The payout split rule: `net = gross − entry cost`; if the net is positive,
/// `floor(rake% × net)` goes to the vault and the rest to the wallet,
/// otherwise all of it goes to the wallet.
pub fn split_payout(rules: &GameRules, gross: i64, entry_cost: i64) -> PayoutSplit {
    let net = gross - entry_cost;
    let vault = if net > 0 {
        mul_div_floor(net, rules.vault_rake_percent, 100)
    } else {
        0
    };
    PayoutSplit {
        wallet: gross - vault,
        vault,
    }
}

/// How a pool changes with one vote: the stake comes in, and a correct vote
/// pays its voter out of the pool at once.
pub fn pool_after_vote(rules: &GameRules, pool: i64, correct: bool) -> i64 {
    pool + rules.vote_cost
        - if correct {
            rules.vote_payout_correct
        } else {
            0
        }
}

fn mul_div_floor(a: i64, b: i64, c: i64) -> i64 {
    // 128-bit intermediate: no overflow for any pool and point count.
    (i128::from(a) * i128::from(b)).div_euclid(i128::from(c)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules() -> GameRules {
        GameRules::default()
    }

    #[test]
    fn worked_example_five_votes_three_correct() {
        // 5 votes: 3 on the original, one on each copy.
        let r = rules();
        let mut pool = r.prize_pool_base;
        for correct in [true, true, true, false, false] {
            pool = pool_after_vote(&r, pool, correct);
        }
        assert_eq!(pool, 190);
        let split = split_prize(
            &r,
            pool,
            VoteTally {
                original: 3,
                copy1: 1,
                copy2: 1,
            },
        );
        assert_eq!(split.points, [3, 2, 2]);
        assert_eq!(split.payouts, [81, 54, 54]);
        assert_eq!(split.remainder, 1);
    }

    #[test]
    fn each_role_earns_its_own_points_per_vote() {
        // Points per vote other than 1 and 2, so a sum or quotient in place of
        // a product would change the points.
        let r = GameRules {
            points_per_correct_vote: 3,
            points_per_fooled_vote: 4,
            ..rules()
        };
        let tally = VoteTally {
            original: 2,
            copy1: 1,
            copy2: 3,
        };
        let split = split_prize(&r, 220, tally);
        assert_eq!(split.points, [6, 4, 12]);
        assert_eq!(split.payouts, [60, 40, 120]);
        assert_eq!(split.remainder, 0);
        // floor(6 × 221 / 22) = 60, floor(4 × 221 / 22) = 40, floor(12 × 221 / 22) = 120.
        let split = split_prize(&r, 221, tally);
        assert_eq!(split.payouts, [60, 40, 120]);
        assert_eq!(split.remainder, 1);
    }

    #[test]
    fn a_copy_earns_two_points_per_fooled_voter() {
        // Default rules: three fooled voters are worth six points, twice the
        // original's three correct votes.
        let split = split_prize(
            &rules(),
            270,
            VoteTally {
                original: 3,
                copy1: 3,
                copy2: 0,
            },
        );
        assert_eq!(split.points, [3, 6, 0]);
        assert_eq!(split.payouts, [90, 180, 0]);
        let split = split_prize(
            &rules(),
            270,
            VoteTally {
                original: 3,
                copy1: 0,
                copy2: 3,
            },
        );
        assert_eq!(split.points, [3, 0, 6]);
        assert_eq!(split.payouts, [90, 0, 180]);
    }

    #[test]
    fn no_points_splits_the_pool_in_three() {
        let split = split_prize(&rules(), 200, VoteTally::default());
        assert_eq!(split.payouts, [66, 66, 66]);
        assert_eq!(split.remainder, 2);
    }

    #[test]
    fn correct_vote_split_matches_the_rules_example() {
        // A correct vote pays 20 on a 10 entry: 3 to the vault, 17 to the wallet.
        assert_eq!(
            split_payout(&rules(), 20, 10),
            PayoutSplit {
                wallet: 17,
                vault: 3
            }
        );
    }

    #[test]
    fn payout_at_or_below_cost_goes_all_to_the_wallet() {
        assert_eq!(
            split_payout(&rules(), 54, 100),
            PayoutSplit {
                wallet: 54,
                vault: 0
            }
        );
        assert_eq!(
            split_payout(&rules(), 50, 50),
            PayoutSplit {
                wallet: 50,
                vault: 0
            }
        );
        assert_eq!(
            split_payout(&rules(), 0, 50),
            PayoutSplit {
                wallet: 0,
                vault: 0
            }
        );
    }

    #[test]
    fn vault_share_is_floored() {
        // net 31 → floor(9.3) = 9 to the vault.
        assert_eq!(
            split_payout(&rules(), 81, 50),
            PayoutSplit {
                wallet: 72,
                vault: 9
            }
        );
    }

    proptest! {
        #[test]
        fn prize_split_never_creates_or_loses_coins(
            pool in 0i64..1_000_000,
            original in 0i64..50,
            copy1 in 0i64..50,
            copy2 in 0i64..50,
        ) {
            let split = split_prize(&rules(), pool, VoteTally { original, copy1, copy2 });
            prop_assert!(split.payouts.iter().all(|p| *p >= 0));
            prop_assert!(split.remainder >= 0);
            prop_assert_eq!(split.payouts.iter().sum::<i64>() + split.remainder, pool);
            // Flooring loses less than one coin per role.
            prop_assert!(split.remainder < 3);
        }

        #[test]
        fn payout_split_adds_up(gross in 0i64..100_000, cost in 0i64..1_000) {
            let s = split_payout(&rules(), gross, cost);
            prop_assert_eq!(s.wallet + s.vault, gross);
            prop_assert!(s.vault >= 0 && s.wallet >= 0);
            prop_assert!(s.vault <= (gross - cost).max(0));
        }

        #[test]
        fn pool_never_goes_negative_within_the_vote_cap(
            votes in proptest::collection::vec(any::<bool>(), 0..20),
        ) {
            let r = rules();
            let mut pool = r.prize_pool_base;
            for correct in votes {
                pool = pool_after_vote(&r, pool, correct);
                prop_assert!(pool >= 0);
            }
        }
    }
}

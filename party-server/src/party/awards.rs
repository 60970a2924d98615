//! The awards (plan §6.5 and §11.2 "Advanced Scoring"; README "Settlement
//! and results"), as pure functions over the ranked players' statistics.
//! Each award goes to the best player by its measure, ties to the better
//! ranked; an award nobody qualifies for is absent.

use party_protocol::Coins;
use party_protocol::party::{
    Award, Awards, COMBO_MIN_FOOLED, MVP_POINTS_CORRECT_VOTE, MVP_POINTS_FOOLED,
    MVP_POINTS_ORIGINAL_VOTE, STREAK_MIN,
};

use super::results::PlayerStats;

/// A player's MVP score: points for the votes their originals drew, the
/// voters their copies fooled and their own correct votes.
pub fn mvp_score(s: &PlayerStats) -> i64 {
    MVP_POINTS_ORIGINAL_VOTE * s.votes_on_originals
        + MVP_POINTS_FOOLED * s.votes_fooled
        + MVP_POINTS_CORRECT_VOTE * s.correct_votes
}

/// Where `s` stood when COPY ended: one more than the players who had
/// strictly more net coins then, so equal players share the better rank
/// (1, 1, 3). `None` for a party that never got past COPY.
pub fn rank_after_copy(ranked: &[(i64, PlayerStats)], s: &PlayerStats) -> Option<i64> {
    let mine = s.net_after_copy?;
    let ahead = ranked
        .iter()
        .filter(|(_, other)| other.net_after_copy.is_some_and(|n| n > mine))
        .count();
    Some(ahead as i64 + 1)
}

/// The best of `ranked` (in rank order) by `metric`, among those whose
/// metric is above zero; equal metrics go to the better ranked.
fn best_by(
    ranked: &[(i64, PlayerStats)],
    metric: impl Fn(i64, &PlayerStats) -> f64,
) -> Option<&(i64, PlayerStats)> {
    ranked
        .iter()
        .filter(|(rank, s)| metric(*rank, s) > 0.0)
        // max_by keeps the last of equals; iterate reversed so the first wins.
        .rev()
        .max_by(|(ra, a), (rb, b)| metric(*ra, a).total_cmp(&metric(*rb, b)))
}

/// An award to `s` carrying no detail yet.
fn award(s: &PlayerStats, metric_value: f64) -> Award {
    Award {
        player_id: s.player_id,
        username: s.username.clone(),
        votes_received: None,
        votes_fooled: None,
        vote_accuracy: None,
        score: None,
        rank_after_copy: None,
        rank_gain: None,
        streak: None,
        bonus_coins: None,
        metric_value,
    }
}

/// An award's measure that counts only from its threshold on (0: nobody
/// below it qualifies).
fn at_least(value: i64, min: i64) -> f64 {
    if value >= min { value as f64 } else { 0.0 }
}

/// Every award of the party, from its players in rank order.
pub fn awards(ranked: &[(i64, PlayerStats)]) -> Awards {
    let best_writer = best_by(ranked, |_, s| s.votes_on_originals as f64).map(|(_, s)| Award {
        votes_received: Some(s.votes_on_originals),
        ..award(s, s.votes_on_originals as f64)
    });
    let top_impostor = best_by(ranked, |_, s| s.votes_fooled as f64).map(|(_, s)| Award {
        votes_fooled: Some(s.votes_fooled),
        ..award(s, s.votes_fooled as f64)
    });
    // Accuracy ties go to the voter with more correct votes.
    let sharpest_voter = best_by(ranked, |_, s| {
        if s.correct_votes == 0 {
            0.0
        } else {
            s.accuracy() * 1000.0 + s.correct_votes as f64
        }
    })
    .map(|(_, s)| Award {
        vote_accuracy: Some(s.accuracy()),
        ..award(s, s.accuracy())
    });
    let mvp = best_by(ranked, |_, s| mvp_score(s) as f64).map(|(_, s)| Award {
        score: Some(mvp_score(s)),
        ..award(s, mvp_score(s) as f64)
    });
    let gain = |rank: i64, s: &PlayerStats| rank_after_copy(ranked, s).map_or(0, |at| at - rank);
    let comeback = best_by(ranked, |rank, s| gain(rank, s) as f64).map(|(rank, s)| Award {
        rank_after_copy: rank_after_copy(ranked, s),
        rank_gain: Some(gain(*rank, s)),
        ..award(s, gain(*rank, s) as f64)
    });
    let hot_streak =
        best_by(ranked, |_, s| at_least(s.longest_streak, STREAK_MIN)).map(|(_, s)| Award {
            streak: Some(s.longest_streak),
            bonus_coins: Some(Coins::new(s.streak_coins)),
            ..award(s, s.longest_streak as f64)
        });
    let best_combo = best_by(ranked, |_, s| {
        at_least(s.best_copy_fooled, COMBO_MIN_FOOLED)
    })
    .map(|(_, s)| Award {
        votes_fooled: Some(s.best_copy_fooled),
        bonus_coins: Some(Coins::new(s.combo_coins)),
        ..award(s, s.best_copy_fooled as f64)
    });
    Awards {
        best_writer,
        top_impostor,
        sharpest_voter,
        mvp,
        comeback,
        hot_streak,
        best_combo,
        // Votes, not play: the view fills it in from the stored votes.
        favourite_phrase: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::results::{rank, sample_stats as player};

    /// `stats` ranked by their net coins (given highest first).
    fn in_order(mut stats: Vec<PlayerStats>) -> Vec<(i64, PlayerStats)> {
        let n = stats.len() as i64;
        for (i, s) in stats.iter_mut().enumerate() {
            s.earned = 1000 - 10 * i as i64;
        }
        let ranked = rank(stats);
        assert_eq!(ranked.len() as i64, n);
        ranked
    }

    fn after_copy(s: PlayerStats, net: i64) -> PlayerStats {
        with(s, |s| s.net_after_copy = Some(net))
    }

    fn with(mut s: PlayerStats, change: impl FnOnce(&mut PlayerStats)) -> PlayerStats {
        change(&mut s);
        s
    }

    #[test]
    fn awards_pick_the_best_and_skip_zero_metrics() {
        let ranked = rank(vec![
            player("a", 230, 300, 3, 3, 2, 0),
            player("b", 230, 250, 3, 3, 4, 0),
            player("c", 230, 200, 3, 0, 0, 0),
        ]);
        let awards = awards(&ranked);
        assert_eq!(awards.best_writer.as_ref().unwrap().username, "b");
        assert_eq!(awards.best_writer.as_ref().unwrap().votes_received, Some(4));
        assert!(awards.top_impostor.is_none(), "nobody fooled anyone");
        // a and b are both at 100 %; a ranks higher.
        let sharp = awards.sharpest_voter.unwrap();
        assert_eq!(sharp.username, "a");
        assert!((sharp.metric_value - 100.0).abs() < f64::EPSILON);
    }

    #[test]
    fn sharpest_voter_ties_on_accuracy_go_to_more_correct_votes() {
        // Both at 100 %: the better ranked one has fewer correct votes.
        let ranked = rank(vec![
            player("few", 0, 100, 1, 1, 0, 0),
            player("many", 0, 50, 3, 3, 0, 0),
        ]);
        assert_eq!(ranked[0].1.username, "few");
        let sharp = awards(&ranked).sharpest_voter.unwrap();
        assert_eq!(sharp.username, "many");
        assert_eq!(sharp.vote_accuracy, Some(100.0));
    }

    #[test]
    fn sharpest_voter_is_about_accuracy_before_the_count() {
        // 100 % of one vote beats 99 % of a hundred and 50 % of eight, whoever
        // ranks higher.
        let ranked = rank(vec![
            player("bulk", 0, 300, 100, 99, 0, 0),
            player("half", 0, 200, 8, 4, 0, 0),
            player("one", 0, 100, 1, 1, 0, 0),
        ]);
        let sharp = awards(&ranked).sharpest_voter.unwrap();
        assert_eq!(sharp.username, "one");
        assert!((sharp.metric_value - 100.0).abs() < 1e-9);
        // Nobody voted right: no award, even with votes cast.
        let ranked = rank(vec![player("miss", 0, 0, 3, 0, 0, 0)]);
        assert!(awards(&ranked).sharpest_voter.is_none());
    }

    #[test]
    fn writer_and_impostor_awards_carry_their_counts() {
        let ranked = rank(vec![
            player("top", 0, 300, 0, 0, 1, 2),
            player("writer", 0, 200, 0, 0, 5, 1),
            player("faker", 0, 100, 0, 0, 0, 6),
        ]);
        let awards = awards(&ranked);
        let writer = awards.best_writer.unwrap();
        assert_eq!(
            (
                writer.username.as_str(),
                writer.votes_received,
                writer.votes_fooled
            ),
            ("writer", Some(5), None)
        );
        assert!((writer.metric_value - 5.0).abs() < 1e-9);
        let impostor = awards.top_impostor.unwrap();
        assert_eq!(
            (
                impostor.username.as_str(),
                impostor.votes_fooled,
                impostor.votes_received
            ),
            ("faker", Some(6), None)
        );
        assert!((impostor.metric_value - 6.0).abs() < 1e-9);
        assert!(awards.sharpest_voter.is_none(), "nobody voted");
    }

    #[test]
    fn the_mvp_weighs_writing_fooling_and_voting_not_the_rank() {
        let ranked = in_order(vec![
            // Rank 1 on coins, score 1 × 1 = 1.
            player("rich", 0, 0, 1, 1, 0, 0),
            // 2 × 2 + 3 × 1 + 1 × 2 = 9.
            player("allround", 0, 0, 2, 2, 2, 1),
            // 3 × 3 = 9: the same score, ranked lower.
            player("faker", 0, 0, 0, 0, 0, 3),
        ]);
        assert_eq!(mvp_score(&ranked[1].1), 9);
        assert_eq!(mvp_score(&ranked[2].1), 9);
        let mvp = awards(&ranked).mvp.unwrap();
        assert_eq!((mvp.username.as_str(), mvp.score), ("allround", Some(9)));
        assert!((mvp.metric_value - 9.0).abs() < 1e-9);
        // The tie goes the other way when the faker ranks higher.
        let ranked = in_order(vec![
            player("faker", 0, 0, 0, 0, 0, 3),
            player("allround", 0, 0, 2, 2, 2, 1),
        ]);
        assert_eq!(awards(&ranked).mvp.unwrap().username, "faker");
    }

    #[test]
    fn nobody_qualifies_for_anything_in_a_party_without_votes() {
        let ranked = in_order(vec![
            after_copy(player("a", 0, 0, 0, 0, 0, 0), -200),
            after_copy(player("b", 0, 0, 0, 0, 0, 0), -200),
        ]);
        assert_eq!(awards(&ranked), Awards::default());
    }

    #[test]
    fn the_comeback_is_the_biggest_climb_from_the_end_of_copy() {
        // After COPY: ahead 1, the two −200 share 2, the two −300 share 4.
        let ranked = in_order(vec![
            after_copy(player("b", 0, 0, 0, 0, 0, 0), -200),
            after_copy(player("ahead", 0, 0, 0, 0, 0, 0), -100),
            after_copy(player("d", 0, 0, 0, 0, 0, 0), -300),
            after_copy(player("c", 0, 0, 0, 0, 0, 0), -200),
            after_copy(player("e", 0, 0, 0, 0, 0, 0), -300),
        ]);
        let at: Vec<_> = ranked
            .iter()
            .map(|(_, s)| rank_after_copy(&ranked, s).unwrap())
            .collect();
        assert_eq!(at, [2, 1, 4, 2, 4]);
        // b climbs 2 → 1 and d 4 → 3: both gain one; b ranks better.
        let comeback = awards(&ranked).comeback.unwrap();
        assert_eq!(
            (
                comeback.username.as_str(),
                comeback.rank_after_copy,
                comeback.rank_gain
            ),
            ("b", Some(2), Some(1))
        );
        // A bigger climb wins whatever the final rank: e climbs 4 → 2.
        let ranked = in_order(vec![
            after_copy(player("ahead", 0, 0, 0, 0, 0, 0), -100),
            after_copy(player("e", 0, 0, 0, 0, 0, 0), -300),
            after_copy(player("b", 0, 0, 0, 0, 0, 0), -200),
            after_copy(player("c", 0, 0, 0, 0, 0, 0), -200),
        ]);
        let comeback = awards(&ranked).comeback.unwrap();
        assert_eq!(
            (comeback.username.as_str(), comeback.rank_gain),
            ("e", Some(2))
        );
    }

    #[test]
    fn no_comeback_when_nobody_climbed_or_copy_never_ended() {
        // Everyone level after COPY: the final order is no climb.
        let level: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|n| after_copy(player(n, 0, 0, 0, 0, 0, 0), -200))
            .collect();
        let ranked = in_order(level);
        assert!(
            ranked
                .iter()
                .all(|(_, s)| rank_after_copy(&ranked, s) == Some(1))
        );
        assert!(awards(&ranked).comeback.is_none());
        // The order after COPY held.
        let ranked = in_order(vec![
            after_copy(player("a", 0, 0, 0, 0, 0, 0), -100),
            after_copy(player("b", 0, 0, 0, 0, 0, 0), -200),
        ]);
        assert!(awards(&ranked).comeback.is_none());
        // Abandoned before VOTE: no standing after COPY to climb from.
        let ranked = in_order(vec![
            player("a", 0, 0, 0, 0, 0, 0),
            player("b", 0, 0, 0, 0, 0, 0),
        ]);
        assert_eq!(rank_after_copy(&ranked, &ranked[1].1), None);
        assert!(awards(&ranked).comeback.is_none());
    }

    #[test]
    fn hot_streak_and_best_combo_need_their_thresholds() {
        let ranked = in_order(vec![
            with(player("two", 0, 0, 2, 2, 0, 1), |s| {
                s.longest_streak = 2;
                s.best_copy_fooled = 1;
            }),
            with(player("three", 0, 0, 3, 3, 0, 2), |s| {
                s.longest_streak = 3;
                s.streak_coins = 5;
                s.best_copy_fooled = 2;
                s.combo_coins = 10;
            }),
            with(player("also", 0, 0, 4, 3, 0, 2), |s| {
                s.longest_streak = 3;
                s.streak_coins = 5;
                s.best_copy_fooled = 2;
                s.combo_coins = 10;
            }),
        ]);
        let awards = awards(&ranked);
        let hot = awards.hot_streak.unwrap();
        assert_eq!(
            (hot.username.as_str(), hot.streak, hot.bonus_coins),
            ("three", Some(3), Some(Coins::new(5))),
            "a tie goes to the better ranked"
        );
        let combo = awards.best_combo.unwrap();
        assert_eq!(
            (
                combo.username.as_str(),
                combo.votes_fooled,
                combo.bonus_coins
            ),
            ("three", Some(2), Some(Coins::new(10)))
        );
        // Below the thresholds: absent.
        let ranked = in_order(vec![with(player("two", 0, 0, 2, 2, 0, 1), |s| {
            s.longest_streak = 2;
            s.best_copy_fooled = 1;
        })]);
        let awards = super::awards(&ranked);
        assert!(awards.hot_streak.is_none() && awards.best_combo.is_none());
    }
}

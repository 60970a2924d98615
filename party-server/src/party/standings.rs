//! The rules of party history, personal stats and leaderboards (README
//! "History, stats and leaderboards"), as pure functions over the stored
//! standings rows, so the queries only gather facts.

use party_protocol::party_history::{LeaderboardBoard, LeaderboardPeriod};

use crate::clock::Millis;

const DAY_MS: i64 = 86_400_000;

/// One party as a player finished it, oldest first when in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finish {
    /// Reached RESULTS (false: abandoned after its start).
    pub completed: bool,
    pub rank: i64,
}

impl Finish {
    /// A win is first place in a completed party; an abandoned party is
    /// never won (nor does it break a streak: see [`win_streaks`]).
    pub fn won(self) -> bool {
        self.completed && self.rank == 1
    }
}

/// `(current, best)` winning streaks over a player's parties, oldest
/// first: runs of consecutive completed parties won. Abandoned parties are
/// skipped, neither extending nor breaking a run; the current streak is
/// the run that the latest completed party ends (0 if it was lost).
pub fn win_streaks(finishes: &[Finish]) -> (i64, i64) {
    let mut current = 0;
    let mut best = 0;
    for f in finishes.iter().filter(|f| f.completed) {
        current = if f.won() { current + 1 } else { 0 };
        best = best.max(current);
    }
    (current, best)
}

/// Mean rank, rounded to two decimals; `None` before any party.
pub fn average_rank(rank_sum: i64, played: i64) -> Option<f64> {
    (played > 0).then(|| (rank_sum as f64 * 100.0 / played as f64).round() / 100.0)
}

/// Percentage of correct votes, one decimal; 0 without votes (the same
/// rounding as a party's rankings).
pub fn accuracy(correct: i64, votes: i64) -> f64 {
    if votes == 0 {
        0.0
    } else {
        (correct as f64 * 1000.0 / votes as f64).round() / 10.0
    }
}

/// The vote accuracy board's sort key: correct votes per ten thousand
/// votes, truncated. An integer, so both databases and this code order
/// equal accuracies as equal (then by more votes).
pub fn accuracy_key(correct: i64, votes: i64) -> i64 {
    if votes == 0 {
        0
    } else {
        correct * 10_000 / votes
    }
}

/// Monday 00:00 UTC of the week holding `now`: the start of the weekly
/// boards. (1970-01-01, day 0, was a Thursday.)
pub fn week_start(now: Millis) -> Millis {
    let day = now.0.div_euclid(DAY_MS);
    let since_monday = (day + 3).rem_euclid(7);
    Millis((day - since_monday) * DAY_MS)
}

/// The first end time a board counts: Monday 00:00 UTC for weekly, none
/// for all time.
pub fn period_start(period: LeaderboardPeriod, now: Millis) -> Option<Millis> {
    match period {
        LeaderboardPeriod::Weekly => Some(week_start(now)),
        LeaderboardPeriod::AllTime => None,
    }
}

/// A player's totals over a board's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub played: i64,
    pub wins: i64,
    pub net_coins: i64,
    pub votes: i64,
    pub correct: i64,
}

/// Where a player stands on a board: `(score, tie)`, both higher first,
/// then the lower player id. Wins and net coins tie to fewer parties played
/// (the same total in fewer parties is the better record); accuracy ties
/// to more votes cast. `None`: not on the board (too few votes).
pub fn board_key(board: LeaderboardBoard, t: &Totals, min_votes: i64) -> Option<(i64, i64)> {
    match board {
        LeaderboardBoard::Wins => Some((t.wins, -t.played)),
        LeaderboardBoard::NetCoins => Some((t.net_coins, -t.played)),
        LeaderboardBoard::VoteAccuracy => {
            (t.votes >= min_votes).then(|| (accuracy_key(t.correct, t.votes), t.votes))
        }
    }
}

/// The value a board shows for a player.
pub fn board_value(board: LeaderboardBoard, t: &Totals) -> f64 {
    match board {
        LeaderboardBoard::Wins => t.wins as f64,
        LeaderboardBoard::NetCoins => t.net_coins as f64,
        LeaderboardBoard::VoteAccuracy => accuracy(t.correct, t.votes),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn f(completed: bool, rank: i64) -> Finish {
        Finish { completed, rank }
    }

    #[test]
    fn streaks_count_consecutive_completed_wins() {
        assert_eq!(win_streaks(&[]), (0, 0));
        let w = f(true, 1);
        let l = f(true, 2);
        assert_eq!(win_streaks(&[w, w, l, w]), (1, 2));
        assert_eq!(win_streaks(&[w, l, w, w, w]), (3, 3));
        assert_eq!(win_streaks(&[w, w, l]), (0, 2));
    }

    #[test]
    fn an_abandoned_party_neither_wins_nor_breaks_a_streak() {
        let w = f(true, 1);
        let gone_first = f(false, 1);
        let gone_last = f(false, 4);
        assert!(!gone_first.won());
        assert_eq!(win_streaks(&[w, gone_first, gone_last, w]), (2, 2));
        assert_eq!(win_streaks(&[gone_first]), (0, 0));
    }

    #[test]
    fn averages_and_accuracy_round_like_the_results() {
        assert_eq!(average_rank(0, 0), None);
        assert_eq!(average_rank(5, 3), Some(1.67));
        assert_eq!(average_rank(4, 2), Some(2.0));
        assert!((accuracy(2, 3) - 66.7).abs() < 1e-9);
        assert!(accuracy(0, 0).abs() < 1e-9);
        assert_eq!(accuracy_key(2, 3), 6666);
        assert_eq!(accuracy_key(0, 0), 0);
    }

    #[test]
    fn weeks_start_on_monday_utc() {
        // 2026-12-07 is a Monday; 2026-12-13 23:59:59.999 its Sunday.
        let monday = Millis(1_796_601_600_000);
        assert_eq!(week_start(monday), monday);
        assert_eq!(week_start(Millis(monday.0 + 7 * DAY_MS - 1)), monday);
        assert_eq!(
            week_start(Millis(monday.0 + 7 * DAY_MS)).0,
            monday.0 + 7 * DAY_MS
        );
        assert_eq!(week_start(Millis(monday.0 - 1)).0, monday.0 - 7 * DAY_MS);
        // The epoch was a Thursday: its week began on 1969-12-29.
        assert_eq!(week_start(Millis(0)).0, -3 * DAY_MS);
        assert_eq!(period_start(LeaderboardPeriod::AllTime, monday), None);
    }

    #[test]
    fn boards_break_ties_by_parties_or_votes() {
        let t = |played, wins, net, votes, correct| Totals {
            played,
            wins,
            net_coins: net,
            votes,
            correct,
        };
        let fast = t(3, 2, 50, 9, 9);
        let slow = t(5, 2, 50, 20, 18);
        let wins = |x: &Totals| board_key(LeaderboardBoard::Wins, x, 10);
        assert!(wins(&fast) > wins(&slow), "same wins in fewer parties");
        let acc = |x: &Totals| board_key(LeaderboardBoard::VoteAccuracy, x, 10);
        assert_eq!(acc(&fast), None, "nine votes are below the minimum");
        assert_eq!(acc(&slow), Some((9000, 20)));
        assert!(
            acc(&t(1, 0, 0, 40, 36)) > acc(&slow),
            "same accuracy, more votes"
        );
        assert!((board_value(LeaderboardBoard::VoteAccuracy, &slow) - 90.0).abs() < 1e-9);
        assert!((board_value(LeaderboardBoard::NetCoins, &slow) - 50.0).abs() < 1e-9);
    }

    proptest! {
        /// The best streak is the longest run of wins among the completed
        /// parties, and the current one is the run at their end, whatever
        /// the order of wins, losses and abandonments.
        #[test]
        fn streaks_match_a_direct_count(
            finishes in proptest::collection::vec((any::<bool>(), 1i64..5), 0..40)
        ) {
            let finishes: Vec<Finish> = finishes.into_iter().map(|(c, r)| f(c, r)).collect();
            let wins: Vec<bool> =
                finishes.iter().filter(|x| x.completed).map(|x| x.rank == 1).collect();
            let current = wins.iter().rev().take_while(|w| **w).count() as i64;
            let best = wins
                .split(|w| !*w)
                .map(|run| run.len() as i64)
                .max()
                .unwrap_or(0);
            let (cur, top) = win_streaks(&finishes);
            prop_assert_eq!(cur, current);
            prop_assert_eq!(top, best);
            prop_assert!(cur <= top);
        }

        /// Accuracy keys order like the accuracies themselves.
        #[test]
        fn accuracy_keys_follow_accuracy(a in 0i64..200, b in 1i64..200, c in 0i64..200, d in 1i64..200) {
            let (a, c) = (a.min(b), c.min(d));
            if a * d > c * b {
                prop_assert!(accuracy_key(a, b) >= accuracy_key(c, d));
            }
        }
    }
}

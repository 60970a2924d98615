//! Rankings (plan §6.5, game-rules §6), as pure functions over per-player
//! statistics gathered at RESULTS; the awards over them are in
//! [`super::awards`].

use party_protocol::PlayerId;
use party_protocol::party::MostVotes;

/// What one participant did and earned in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerStats {
    pub player_id: PlayerId,
    pub username: String,
    pub is_bot: bool,
    /// Entry fees paid for the session's rounds.
    pub spent: i64,
    /// Vote payouts, prizes and refunds received for the session's rounds.
    pub earned: i64,
    pub prompts: i64,
    pub copies: i64,
    pub votes: i64,
    pub correct_votes: i64,
    /// Votes their originals received.
    pub votes_on_originals: i64,
    /// Voters their copies fooled.
    pub votes_fooled: i64,
    /// Their longest run of correct votes, and the streak bonus it paid.
    pub longest_streak: i64,
    pub streak_coins: i64,
    /// The most voters one of their copies fooled, their copies that made
    /// a combo, and the combo bonus paid.
    pub best_copy_fooled: i64,
    pub combos: i64,
    pub combo_coins: i64,
    /// Net coins when COPY ended; `None` if the party never got past it.
    pub net_after_copy: Option<i64>,
}

impl PlayerStats {
    pub fn net(&self) -> i64 {
        self.earned - self.spent
    }

    /// Percentage of correct votes, one decimal; 0 without votes.
    pub fn accuracy(&self) -> f64 {
        if self.votes == 0 {
            0.0
        } else {
            (self.correct_votes as f64 * 1000.0 / self.votes as f64).round() / 10.0
        }
    }
}

/// Orders players by net coins (highest first). Ties are broken by vote
/// accuracy, then username, then id, so the same session always ranks the
/// same way. Ranks are 1, 2, 3… in that order.
pub fn rank(mut stats: Vec<PlayerStats>) -> Vec<(i64, PlayerStats)> {
    stats.sort_by(|a, b| {
        b.net()
            .cmp(&a.net())
            .then(b.accuracy().total_cmp(&a.accuracy()))
            .then_with(|| a.username.cmp(&b.username))
            .then(a.player_id.cmp(&b.player_id))
    });
    stats.into_iter().zip(1..).map(|(s, r)| (r, s)).collect()
}

/// Which kind of phrase drew the most votes: the original (also on a tie
/// with a copy), a copy, or none without votes.
pub fn most_votes(original: i64, copy1: i64, copy2: i64) -> MostVotes {
    if original == 0 && copy1 == 0 && copy2 == 0 {
        MostVotes::None
    } else if original >= copy1 && original >= copy2 {
        MostVotes::Original
    } else {
        MostVotes::Copy
    }
}

/// A player's statistics for the tests: one prompt and two copies, no
/// streak, combo or standing after COPY.
#[cfg(test)]
pub(crate) fn sample_stats(
    name: &str,
    spent: i64,
    earned: i64,
    votes: i64,
    correct: i64,
    originals: i64,
    fooled: i64,
) -> PlayerStats {
    PlayerStats {
        player_id: PlayerId::new(),
        username: name.into(),
        is_bot: false,
        spent,
        earned,
        prompts: 1,
        copies: 2,
        votes,
        correct_votes: correct,
        votes_on_originals: originals,
        votes_fooled: fooled,
        longest_streak: 0,
        streak_coins: 0,
        best_copy_fooled: 0,
        combos: 0,
        combo_coins: 0,
        net_after_copy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::sample_stats as player;
    use super::*;

    #[test]
    fn rankings_order_by_net_then_accuracy_then_name() {
        let ranked = rank(vec![
            player("cara", 230, 250, 3, 1, 0, 0),
            player("bob", 230, 300, 3, 1, 0, 0),
            player("alice", 230, 250, 3, 2, 0, 0),
            player("dan", 230, 250, 3, 2, 0, 0),
        ]);
        let names: Vec<&str> = ranked.iter().map(|(_, s)| s.username.as_str()).collect();
        assert_eq!(names, ["bob", "alice", "dan", "cara"]);
        let ranks: Vec<i64> = ranked.iter().map(|(r, _)| *r).collect();
        assert_eq!(ranks, [1, 2, 3, 4]);
        assert_eq!(ranked[0].1.net(), 70);
    }

    #[test]
    fn accuracy_is_a_rounded_percentage() {
        assert!((player("x", 0, 0, 3, 2, 0, 0).accuracy() - 66.7).abs() < 1e-9);
        assert!((player("x", 0, 0, 0, 0, 0, 0).accuracy()).abs() < 1e-9);
    }

    #[test]
    fn most_votes_names_the_kind() {
        assert_eq!(most_votes(2, 1, 1), MostVotes::Original);
        assert_eq!(most_votes(1, 1, 0), MostVotes::Original);
        assert_eq!(most_votes(0, 2, 1), MostVotes::Copy);
        assert_eq!(most_votes(0, 0, 0), MostVotes::None);
    }

    #[test]
    fn most_votes_compares_the_original_with_each_copy() {
        // A tie with either copy goes to the original.
        assert_eq!(most_votes(1, 0, 1), MostVotes::Original);
        assert_eq!(most_votes(1, 0, 0), MostVotes::Original);
        // Either copy ahead of the original wins, the other copy aside.
        assert_eq!(most_votes(1, 2, 0), MostVotes::Copy);
        assert_eq!(most_votes(1, 0, 2), MostVotes::Copy);
        // A vote on a single phrase is enough for "not none".
        assert_eq!(most_votes(0, 1, 0), MostVotes::Copy);
        assert_eq!(most_votes(0, 0, 1), MostVotes::Copy);
    }
}

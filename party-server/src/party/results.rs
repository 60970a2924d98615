//! Rankings and awards (plan §6.5, game-rules §6), as pure functions over
//! per-player statistics gathered at RESULTS.

use party_protocol::PlayerId;
use party_protocol::party::{Award, Awards, MostVotes};

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

/// The three awards. Each goes to the best by its metric (ties: the better
/// ranked player, given `ranked` in rank order); an award whose metric is
/// zero for everyone is absent.
pub fn awards(ranked: &[(i64, PlayerStats)]) -> Awards {
    let best_by = |metric: &dyn Fn(&PlayerStats) -> f64| {
        ranked
            .iter()
            .map(|(_, s)| s)
            .filter(|s| metric(s) > 0.0)
            // max_by keeps the last of equals; iterate reversed so the first wins.
            .rev()
            .max_by(|a, b| metric(a).total_cmp(&metric(b)))
    };
    let best_writer = best_by(&|s| s.votes_on_originals as f64).map(|s| Award {
        player_id: s.player_id,
        username: s.username.clone(),
        votes_received: Some(s.votes_on_originals),
        votes_fooled: None,
        vote_accuracy: None,
        metric_value: s.votes_on_originals as f64,
    });
    let top_impostor = best_by(&|s| s.votes_fooled as f64).map(|s| Award {
        player_id: s.player_id,
        username: s.username.clone(),
        votes_received: None,
        votes_fooled: Some(s.votes_fooled),
        vote_accuracy: None,
        metric_value: s.votes_fooled as f64,
    });
    // Accuracy ties go to the voter with more correct votes.
    let sharpest_voter = best_by(&|s| {
        if s.correct_votes == 0 {
            0.0
        } else {
            s.accuracy() * 1000.0 + s.correct_votes as f64
        }
    })
    .map(|s| Award {
        player_id: s.player_id,
        username: s.username.clone(),
        votes_received: None,
        votes_fooled: None,
        vote_accuracy: Some(s.accuracy()),
        metric_value: s.accuracy(),
    });
    Awards {
        best_writer,
        top_impostor,
        sharpest_voter,
        // Votes, not play: the view fills it in from the stored votes.
        favourite_phrase: None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn player(
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
        }
    }

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
}

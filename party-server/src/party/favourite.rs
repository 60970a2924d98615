//! The party's favourite phrase (README "Reactions and the favourite
//! phrase"): which phrase the participants' favourite votes crown.

/// One phrase of the party as the rule weighs it, given in the results'
/// order (phraseset by phraseset; original, copy 1, copy 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<K> {
    pub key: K,
    /// Participants whose favourite it is.
    pub favourite_votes: i64,
    /// Votes it drew in the game itself.
    pub game_votes: i64,
}

/// The favourite phrase: the most favourite votes, at least one. Ties go to
/// the phrase that drew more votes in the game, then to the earlier one in
/// the order given, so the same votes always crown the same phrase.
pub fn favourite<K: Copy>(candidates: &[Candidate<K>]) -> Option<K> {
    let mut best: Option<&Candidate<K>> = None;
    for c in candidates.iter().filter(|c| c.favourite_votes > 0) {
        // Strictly better only: an equal later phrase leaves the earlier one.
        if best
            .is_none_or(|b| (c.favourite_votes, c.game_votes) > (b.favourite_votes, b.game_votes))
        {
            best = Some(c);
        }
    }
    best.map(|c| c.key)
}

#[cfg(test)]
mod tests {
    use super::{Candidate, favourite};

    fn c(key: u8, favourite_votes: i64, game_votes: i64) -> Candidate<u8> {
        Candidate {
            key,
            favourite_votes,
            game_votes,
        }
    }

    #[test]
    fn nobody_voted_means_no_favourite() {
        assert_eq!(favourite::<u8>(&[]), None);
        assert_eq!(favourite(&[c(1, 0, 5), c(2, 0, 0)]), None);
    }

    #[test]
    fn the_most_favourite_votes_win_whatever_the_game_votes() {
        assert_eq!(favourite(&[c(1, 1, 9), c(2, 2, 0), c(3, 1, 0)]), Some(2));
    }

    #[test]
    fn a_tie_goes_to_more_game_votes_then_to_the_earlier_phrase() {
        assert_eq!(favourite(&[c(1, 2, 1), c(2, 2, 3), c(3, 1, 7)]), Some(2));
        assert_eq!(favourite(&[c(1, 2, 3), c(2, 2, 3), c(3, 2, 3)]), Some(1));
        assert_eq!(favourite(&[c(1, 1, 0), c(2, 1, 0)]), Some(1));
    }
}

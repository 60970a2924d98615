//! The party bonuses (plan §11.2 "Advanced Scoring"), as pure rules over
//! the party's votes and phrasesets: the streak bonus for correct votes in
//! a row and the combo for a copy that fooled several voters. Their coins
//! are paid from the house at settlement (`service::party::bonuses`).

use std::collections::HashMap;

use party_protocol::party::{COMBO_BONUS_PER_VOTER, COMBO_MIN_FOOLED, STREAK_BONUS, STREAK_MIN};
use uuid::Uuid;

/// One vote cast in the party; a player's votes come in the order they
/// cast them (other players' votes may be interleaved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CastVote {
    pub player: Uuid,
    pub vote: Uuid,
    pub correct: bool,
}

/// The votes that earn a streak bonus, each with its amount: a correct
/// vote that is at least the [`STREAK_MIN`]th correct vote in a row of its
/// voter pays [`STREAK_BONUS`]; a wrong vote ends the run.
pub fn streak_payments(votes: &[CastVote]) -> Vec<(CastVote, i64)> {
    let mut run: HashMap<Uuid, i64> = HashMap::new();
    votes
        .iter()
        .filter_map(|v| {
            let r = run.entry(v.player).or_default();
            *r = if v.correct { *r + 1 } else { 0 };
            (*r >= STREAK_MIN).then_some((*v, STREAK_BONUS))
        })
        .collect()
}

/// Each voter's longest run of correct votes (voters without a correct
/// vote are absent).
pub fn longest_streaks(votes: &[CastVote]) -> HashMap<Uuid, i64> {
    let mut run: HashMap<Uuid, i64> = HashMap::new();
    let mut best: HashMap<Uuid, i64> = HashMap::new();
    for v in votes {
        let r = run.entry(v.player).or_default();
        *r = if v.correct { *r + 1 } else { 0 };
        if *r > 0 {
            let b = best.entry(v.player).or_default();
            *b = (*b).max(*r);
        }
    }
    best
}

/// The combo a copy that fooled `fooled` voters pays its author:
/// [`COMBO_BONUS_PER_VOTER`] per voter fooled once it fooled at least
/// [`COMBO_MIN_FOOLED`], nothing below.
pub fn combo_bonus(fooled: i64) -> i64 {
    if fooled >= COMBO_MIN_FOOLED {
        fooled * COMBO_BONUS_PER_VOTER
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(player: Uuid, pattern: &str) -> Vec<CastVote> {
        pattern
            .chars()
            .map(|c| CastVote {
                player,
                vote: Uuid::new_v4(),
                correct: c == 'y',
            })
            .collect()
    }

    fn paid(votes: &[CastVote]) -> Vec<usize> {
        let payments = streak_payments(votes);
        assert!(payments.iter().all(|(_, amount)| *amount == STREAK_BONUS));
        payments
            .iter()
            .map(|(v, _)| votes.iter().position(|w| w == v).unwrap())
            .collect()
    }

    #[test]
    fn a_streak_pays_from_its_third_correct_vote_on() {
        let me = Uuid::new_v4();
        assert_eq!(paid(&votes(me, "yyyyy")), [2, 3, 4]);
        assert_eq!(
            paid(&votes(me, "yyny")),
            Vec::<usize>::new(),
            "a miss resets the run"
        );
        assert_eq!(paid(&votes(me, "yynyyy")), [5]);
        assert_eq!(
            paid(&votes(me, "yy")),
            Vec::<usize>::new(),
            "two in a row pay nothing"
        );
        assert_eq!(paid(&[]), Vec::<usize>::new());
    }

    #[test]
    fn each_voter_has_their_own_run() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let (va, vb) = (votes(a, "yyy"), votes(b, "ynyy"));
        // Interleaved: b's miss does not end a's run, nor a's votes b's.
        let mixed = [va[0], vb[0], va[1], vb[1], vb[2], va[2], vb[3]];
        assert_eq!(paid(&mixed), [5]);
        let longest = longest_streaks(&mixed);
        assert_eq!(longest.get(&a), Some(&3));
        assert_eq!(longest.get(&b), Some(&2));
        assert_eq!(longest_streaks(&votes(a, "nnn")).get(&a), None);
    }

    #[test]
    fn a_combo_needs_two_fooled_voters() {
        assert_eq!(combo_bonus(0), 0);
        assert_eq!(combo_bonus(1), 0);
        assert_eq!(
            combo_bonus(COMBO_MIN_FOOLED),
            COMBO_MIN_FOOLED * COMBO_BONUS_PER_VOTER
        );
        assert_eq!(combo_bonus(4), 4 * COMBO_BONUS_PER_VOTER);
    }
}

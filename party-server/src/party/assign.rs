//! Up-front, balanced assignment of copy and vote work (game-rules §6).
//!
//! When COPY starts, every party prompt gets exactly two copiers: never its
//! author, never the same copier twice, the load spread evenly. When VOTE
//! starts, every voter gets up to the vote quota of phrasesets they did not
//! touch, fewest votes first. Deterministic for the same input, so the
//! result can be tested exactly.

use std::collections::HashMap;
use std::hash::Hash;

/// Copiers per prompt: a phraseset is an original and two copies.
pub const COPIES_PER_PROMPT: usize = 2;

/// Assigns copiers to prompts. `prompts` are (prompt, author) in queue
/// order; `copiers` are the participants still playing. Returns
/// (copier, prompt) pairs. A prompt gets fewer than two copiers only when
/// fewer than two non-authors are playing; the caller fills the gap.
///
/// Greedy first (least-loaded non-author copiers), then a repair pass that
/// moves single copies from the busiest copier to the idlest one allowed
/// to take them, until loads differ by at most one. Greedy alone can end
/// unbalanced when the last prompts belong to the idlest players.
pub fn assign_copies<P, R>(prompts: &[(R, P)], copiers: &[P]) -> Vec<(P, R)>
where
    P: Copy + Eq + Hash,
    R: Copy + Eq,
{
    let mut load: HashMap<P, usize> = copiers.iter().map(|c| (*c, 0)).collect();
    let mut out = Vec::with_capacity(prompts.len() * COPIES_PER_PROMPT);
    let n = copiers.len().max(1);
    for (pi, (prompt, author)) in prompts.iter().enumerate() {
        // Among non-authors, the least loaded first; ties rotate with the
        // prompt's position so the same players are not always first.
        let mut candidates: Vec<(usize, usize, P)> = copiers
            .iter()
            .enumerate()
            .filter(|(_, c)| *c != author)
            .map(|(ci, c)| (load[c], (ci + n - pi % n) % n, *c))
            .collect();
        candidates.sort_by_key(|(l, rot, _)| (*l, *rot));
        for (_, _, copier) in candidates.into_iter().take(COPIES_PER_PROMPT) {
            *load.entry(copier).or_default() += 1;
            out.push((copier, *prompt));
        }
    }
    rebalance(prompts, copiers, &mut out, &mut load);
    out
}

/// Moves copies from the most to the least loaded copiers until loads
/// differ by at most one. A direct move is often impossible (the idle
/// copier wrote, or already copies, every prompt the busy one holds), so
/// each step shifts one copy along a chain: the busy copier hands a prompt
/// to B, B hands another to C, … to an idle copier; the copiers in between
/// keep their load. The chain is a shortest path found breadth-first; when
/// none exists the loads cannot be evened out further (as in max-flow).
/// Bounded: each step lowers the sum of squared loads.
fn rebalance<P, R>(
    prompts: &[(R, P)],
    copiers: &[P],
    out: &mut [(P, R)],
    load: &mut HashMap<P, usize>,
) where
    P: Copy + Eq + Hash,
    R: Copy + Eq,
{
    for _ in 0..=(out.len() * copiers.len()) {
        let (Some(max), Some(min)) = (load.values().max().copied(), load.values().min().copied())
        else {
            return;
        };
        if max <= min + 1 {
            return;
        }
        let found = copiers
            .iter()
            .filter(|c| load[*c] == max)
            .find_map(|heavy| {
                shift_chain(prompts, copiers, out, load, *heavy, max).map(|chain| (*heavy, chain))
            });
        let Some((heavy, chain)) = found else {
            return;
        };
        // Applied from the idle end: each copier receives a prompt before
        // handing one on, so no step sees a copier holding a prompt twice.
        for &(index, to) in chain.iter().rev() {
            out[index].0 = to;
        }
        if let Some(&(_, idle)) = chain.last() {
            *load.entry(heavy).or_default() -= 1;
            *load.entry(idle).or_default() += 1;
        }
    }
}

/// A shortest chain of single-copy moves from `heavy` to a copier at
/// least two below `max`: (index into `out`, new holder) per move.
fn shift_chain<P, R>(
    prompts: &[(R, P)],
    copiers: &[P],
    out: &[(P, R)],
    load: &HashMap<P, usize>,
    heavy: P,
    max: usize,
) -> Option<Vec<(usize, P)>>
where
    P: Copy + Eq + Hash,
    R: Copy + Eq,
{
    let author_of = |prompt: R| prompts.iter().find(|(r, _)| *r == prompt).map(|(_, a)| *a);
    // How each reached copier was reached: (from, index of the moved copy).
    let mut came_from: HashMap<P, (P, usize)> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([heavy]);
    while let Some(giver) = queue.pop_front() {
        for (index, (holder, prompt)) in out.iter().enumerate() {
            if *holder != giver {
                continue;
            }
            for taker in copiers {
                if *taker == heavy
                    || came_from.contains_key(taker)
                    || author_of(*prompt) == Some(*taker)
                    || out.iter().any(|(c, p)| c == taker && p == prompt)
                {
                    continue;
                }
                came_from.insert(*taker, (giver, index));
                if load[taker] + 2 <= max {
                    let mut chain = vec![(index, *taker)];
                    let mut at = giver;
                    while at != heavy {
                        let (from, moved) = came_from[&at];
                        chain.push((moved, at));
                        at = from;
                    }
                    chain.reverse();
                    return Some(chain);
                }
                queue.push_back(*taker);
            }
        }
    }
    None
}

/// Assigns up to `quota` phrasesets to each voter. `sets` are (set, the
/// three contributors). Returns (voter, set) pairs, round by round so every
/// voter's first vote is handed out before anyone's second.
pub fn assign_votes<P, S>(sets: &[(S, [P; 3])], voters: &[P], quota: usize) -> Vec<(P, S)>
where
    P: Copy + Eq + Hash,
    S: Copy + Eq + Hash,
{
    let mut votes_on: HashMap<S, usize> = sets.iter().map(|(s, _)| (*s, 0)).collect();
    let mut taken: HashMap<P, Vec<S>> = HashMap::new();
    let mut out = Vec::new();
    let m = sets.len().max(1);
    for _round in 0..quota {
        for (vi, voter) in voters.iter().enumerate() {
            let mine = taken.entry(*voter).or_default();
            let best = sets
                .iter()
                .enumerate()
                .filter(|(_, (s, contributors))| !contributors.contains(voter) && !mine.contains(s))
                .min_by_key(|(si, (s, _))| (votes_on[s], (si + m - vi % m) % m));
            if let Some((_, (set, _))) = best {
                mine.push(*set);
                *votes_on.entry(*set).or_default() += 1;
                out.push((*voter, *set));
            }
        }
    }
    out
}

/// What each voter still lacks of `quota` after `assigned`: (voter,
/// missing) for every voter short of it, in `voters` order. Global content
/// fills these gaps.
pub fn vote_shortfall<P, S>(assigned: &[(P, S)], voters: &[P], quota: usize) -> Vec<(P, usize)>
where
    P: Copy + Eq + Hash,
{
    let mut have: HashMap<P, usize> = HashMap::new();
    for (voter, _) in assigned {
        *have.entry(*voter).or_default() += 1;
    }
    voters
        .iter()
        .filter_map(|v| {
            let missing = quota.saturating_sub(have.get(v).copied().unwrap_or(0));
            (missing > 0).then_some((*v, missing))
        })
        .collect()
}

/// How many phrasesets a voter may vote on: those they did not write or copy.
pub fn eligible_sets<P: Eq, S>(sets: &[(S, [P; 3])], voter: &P) -> usize {
    sets.iter().filter(|(_, c)| !c.contains(voter)).count()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shortfall_is_what_party_sets_leave_open() {
        // Four players, one prompt each: a voter may vote on the one set they
        // did not touch, so each lacks two of three votes.
        let sets: Vec<(usize, [usize; 3])> = vec![
            (10, [0, 1, 2]),
            (11, [1, 2, 3]),
            (12, [2, 3, 0]),
            (13, [3, 0, 1]),
        ];
        let voters = [0, 1, 2, 3];
        let assigned = assign_votes(&sets, &voters, 3);
        assert_eq!(assigned.len(), 4);
        assert_eq!(
            vote_shortfall(&assigned, &voters, 3),
            vec![(0, 2), (1, 2), (2, 2), (3, 2)]
        );
        // Three players have nothing of their own to vote on.
        assert_eq!(
            vote_shortfall::<usize, usize>(&[], &[0, 1, 2], 3),
            vec![(0, 3), (1, 3), (2, 3)]
        );
        // Enough party sets: nobody is short.
        let eight: Vec<(usize, [usize; 3])> = (0..8)
            .map(|i| (100 + i, [i, (i + 1) % 8, (i + 2) % 8]))
            .collect();
        let voters: Vec<usize> = (0..8).collect();
        let assigned = assign_votes(&eight, &voters, 3);
        assert!(vote_shortfall(&assigned, &voters, 3).is_empty());
    }

    fn prompts(players: usize, per_player: usize) -> Vec<(usize, usize)> {
        // Prompt ids 100+; authors 0..players, each with `per_player` prompts.
        (0..players * per_player)
            .map(|i| (100 + i, i % players))
            .collect()
    }

    #[test]
    fn three_players_one_prompt_each_copy_each_other() {
        let players = [0, 1, 2];
        let got = assign_copies(&prompts(3, 1), &players);
        assert_eq!(got.len(), 6);
        for (copier, prompt) in &got {
            assert_ne!(prompt - 100, *copier, "nobody copies their own prompt");
        }
        for p in &players {
            assert_eq!(got.iter().filter(|(c, _)| c == p).count(), 2);
        }
    }

    #[test]
    fn copy_ties_rotate_with_the_prompt_position() {
        // Four players, one prompt each, in seat order. Prompt i goes to the two
        // least loaded non-authors; among equals, the copier seated right after
        // seat i (mod 4) comes first, so the first picks move round the table.
        let got = assign_copies(&prompts(4, 1), &[0, 1, 2, 3]);
        assert_eq!(
            got,
            vec![
                (1, 100),
                (2, 100),
                (3, 101),
                (0, 101),
                (3, 102),
                (0, 102),
                (1, 103),
                (2, 103),
            ]
        );
    }

    #[test]
    fn copy_ties_rotate_forward_round_the_table() {
        // Five seats: the least loaded first; among equals, counting from seat i
        // forward round the table (prompt 102: seat 0 is idle, then 3 before 4).
        let got = assign_copies(&prompts(5, 1), &[0, 1, 2, 3, 4]);
        assert_eq!(
            got,
            vec![
                (1, 100),
                (2, 100),
                (3, 101),
                (4, 101),
                (0, 102),
                (3, 102),
                (4, 103),
                (0, 103),
                (1, 104),
                (2, 104),
            ]
        );
    }

    #[test]
    fn a_single_prompt_leaves_the_other_players_idle() {
        // Two copies for four players: loads 1, 1, 0, 0 differ by one, which is
        // balanced, so nothing moves.
        assert_eq!(
            assign_copies(&[(100, 0)], &[0, 1, 2, 3]),
            vec![(1, 100), (2, 100)]
        );
    }

    /// Asserts the copy rules on `got` and that loads differ by at most one.
    fn assert_complete_and_even(
        prompts: &[(usize, usize)],
        copiers: &[usize],
        got: &[(usize, usize)],
    ) {
        for (prompt, author) in prompts {
            let who: Vec<usize> = got
                .iter()
                .filter(|(_, p)| p == prompt)
                .map(|(c, _)| *c)
                .collect();
            assert_eq!(who.len(), 2, "{prompt}: {got:?}");
            assert!(
                who[0] != who[1] && !who.contains(author),
                "{prompt}: {got:?}"
            );
        }
        let loads: Vec<usize> = copiers
            .iter()
            .map(|c| got.iter().filter(|(x, _)| x == c).count())
            .collect();
        assert!(
            loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
            "{loads:?}"
        );
    }

    #[test]
    fn uneven_prompts_are_evened_out_by_moving_copies() {
        // Forfeited prompts leave some players with more prompts than others, and
        // greedy picks alone then end uneven; the repair pass moves copies along a
        // chain of copiers until loads differ by at most one. Exact results, as the
        // assignment is deterministic.
        // (prompts as (prompt, author), copiers, expected (copier, prompt) pairs)
        type Case<'a> = (&'a [(usize, usize)], &'a [usize], &'a [(usize, usize)]);
        let cases: [Case; 3] = [
            // Six players, three prompts (two by player 0): one copy each.
            (
                &[(100, 0), (101, 5), (102, 0)],
                &[0, 1, 2, 3, 4, 5],
                &[(1, 100), (3, 100), (0, 101), (4, 101), (5, 102), (2, 102)],
            ),
            // Five players, three prompts: one copier does two.
            (
                &[(100, 2), (101, 0), (102, 4)],
                &[0, 1, 2, 3, 4],
                &[(0, 100), (1, 100), (4, 101), (3, 101), (2, 102), (3, 102)],
            ),
            // Four players, six prompts, three of them by player 1: two moves.
            (
                &[(100, 2), (101, 0), (102, 3), (103, 1), (104, 1), (105, 1)],
                &[0, 1, 2, 3],
                &[
                    (0, 100),
                    (1, 100),
                    (1, 101),
                    (2, 101),
                    (1, 102),
                    (0, 102),
                    (3, 103),
                    (0, 103),
                    (2, 104),
                    (3, 104),
                    (2, 105),
                    (3, 105),
                ],
            ),
        ];
        for (prompts, copiers, expected) in cases {
            let got = assign_copies(prompts, copiers);
            assert_complete_and_even(prompts, copiers, &got);
            assert_eq!(got, expected, "{prompts:?}");
        }
    }

    #[test]
    fn more_voters_than_sets_share_them_evenly() {
        // Two sets nobody voting wrote, four voters: each set gets two votes,
        // alternating in seat order.
        let sets: Vec<(usize, [usize; 3])> = vec![(10, [7, 8, 9]), (11, [7, 8, 9])];
        assert_eq!(
            assign_votes(&sets, &[0, 1, 2, 3], 1),
            vec![(0, 10), (1, 11), (2, 10), (3, 11)]
        );
    }

    #[test]
    fn vote_ties_rotate_with_the_voter_position() {
        // Voter 0 wrote or copied every set; voters 1 and 2 touched none. Among
        // equally voted sets, voter i starts looking at set i (mod 4).
        let sets: Vec<(usize, [usize; 3])> = (0..4).map(|i| (10 + i, [0, 5, 6])).collect();
        assert_eq!(assign_votes(&sets, &[0, 1, 2], 1), vec![(1, 11), (2, 12)]);
        // Second round: each takes the least voted set left to them.
        assert_eq!(
            assign_votes(&sets, &[0, 1, 2], 2),
            vec![(1, 11), (2, 12), (1, 13), (2, 10)]
        );
    }

    #[test]
    fn three_players_have_nothing_to_vote_on_with_one_prompt_each() {
        // Each player wrote one set and copied the other two.
        let sets = vec![(0, [0, 1, 2]), (1, [1, 2, 0]), (2, [2, 0, 1])];
        assert_eq!(assign_votes(&sets, &[0, 1, 2], 3), vec![]);
        assert_eq!(eligible_sets(&sets, &0), 0);
    }

    #[test]
    fn votes_go_to_the_least_voted_set_first() {
        // Four sets; voter 9 touched none; others touched some.
        let sets = vec![
            (0, [1, 2, 3]),
            (1, [1, 2, 3]),
            (2, [4, 5, 6]),
            (3, [4, 5, 6]),
        ];
        let got = assign_votes(&sets, &[9, 1, 4], 2);
        let mine: Vec<i32> = got
            .iter()
            .filter(|(v, _)| *v == 9)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(mine.len(), 2);
        let distinct: HashSet<i32> = mine.iter().copied().collect();
        assert_eq!(distinct.len(), 2);
        // Voter 1 may only vote on sets 2 and 3, voter 4 on 0 and 1.
        assert!(got.iter().filter(|(v, _)| *v == 1).all(|(_, s)| *s >= 2));
        assert!(got.iter().filter(|(v, _)| *v == 4).all(|(_, s)| *s <= 1));
        let mut counts = [0; 4];
        for (_, s) in &got {
            counts[*s as usize] += 1;
        }
        assert!(
            counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1,
            "{counts:?}"
        );
    }

    proptest! {
        #[test]
        fn copies_are_complete_distinct_and_balanced(
            players in 3usize..=8,
            per_player in 1usize..=3,
            order in proptest::collection::vec(any::<u32>(), 24),
            seats in proptest::collection::vec(any::<u32>(), 8),
        ) {
            // Prompts arrive in any order, and players sit in any order.
            let mut ps = prompts(players, per_player);
            ps.sort_by_key(|(id, _)| order[(id - 100) % order.len()]);
            let mut ids: Vec<usize> = (0..players).collect();
            ids.sort_by_key(|i| seats[*i]);
            let got = assign_copies(&ps, &ids);
            prop_assert_eq!(got.len(), ps.len() * 2);
            for (prompt, author) in &ps {
                let copiers: Vec<usize> = got.iter().filter(|(_, p)| p == prompt).map(|(c, _)| *c).collect();
                prop_assert_eq!(copiers.len(), 2);
                prop_assert_ne!(copiers[0], copiers[1]);
                prop_assert!(!copiers.contains(author));
            }
            let loads: Vec<usize> = ids.iter().map(|p| got.iter().filter(|(c, _)| c == p).count()).collect();
            prop_assert!(loads.iter().all(|l| *l == 2 * per_player), "{:?}", loads);
        }

        #[test]
        fn every_voter_gets_min_of_quota_and_eligible(players in 3usize..=8, per_player in 1usize..=3, quota in 1usize..=5) {
            let ids: Vec<usize> = (0..players).collect();
            let ps = prompts(players, per_player);
            let copies = assign_copies(&ps, &ids);
            let sets: Vec<(usize, [usize; 3])> = ps
                .iter()
                .map(|(prompt, author)| {
                    let c: Vec<usize> = copies.iter().filter(|(_, p)| p == prompt).map(|(c, _)| *c).collect();
                    (*prompt, [*author, c[0], c[1]])
                })
                .collect();
            let got = assign_votes(&sets, &ids, quota);
            for v in &ids {
                let mine: Vec<usize> = got.iter().filter(|(x, _)| x == v).map(|(_, s)| *s).collect();
                prop_assert_eq!(mine.len(), quota.min(eligible_sets(&sets, v)));
                prop_assert_eq!(mine.iter().collect::<HashSet<_>>().len(), mine.len());
                for s in &mine {
                    let contributors = sets.iter().find(|(id, _)| id == s).unwrap().1;
                    prop_assert!(!contributors.contains(v));
                }
            }
            // The bound of game-rules §6: N×P − 3P sets per voter.
            prop_assert!(ids.iter().all(|v| eligible_sets(&sets, v) == players * per_player - 3 * per_player));
        }
    }
}

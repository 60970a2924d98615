//! Who goes with whom in quick match (README "Quick match and public
//! parties"). Pure: the use case reads the queue, asks [`form`], and
//! writes the parties it returns in the same transaction.
//!
//! The rule:
//! 1. The queue is cut, oldest first, into full parties of `size` humans.
//! 2. If fewer than `size` remain and one of them has reached their
//!    bot-fill time, one party is formed of the remaining players who
//!    accept bots (everyone with a bot-fill time, due or not: they get
//!    more humans than their wait promised), topped up with bots. Players
//!    who wait for humans only stay queued.

use party_protocol::PlayerId;

use crate::clock::Millis;

/// A queued player, as the rule needs them (in queue order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub player: PlayerId,
    /// When bots may fill their party; `None`: humans only.
    pub bot_fill_at: Option<Millis>,
}

/// One party to form: its humans in queue order (the first is the host)
/// and how many bots complete it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub players: Vec<PlayerId>,
    pub bots: usize,
}

/// The parties to form from `queue` (oldest first) at `now`.
pub fn form(queue: &[Waiting], size: usize, now: Millis) -> Vec<Group> {
    if size == 0 {
        return Vec::new();
    }
    let mut chunks = queue.chunks_exact(size);
    let mut groups: Vec<Group> = chunks
        .by_ref()
        .map(|chunk| Group {
            players: chunk.iter().map(|w| w.player).collect(),
            bots: 0,
        })
        .collect();
    let rest = chunks.remainder();
    let due = rest
        .iter()
        .any(|w| w.bot_fill_at.is_some_and(|at| at.0 <= now.0));
    if due {
        let players: Vec<PlayerId> = rest
            .iter()
            .filter(|w| w.bot_fill_at.is_some())
            .map(|w| w.player)
            .collect();
        groups.push(Group {
            bots: size - players.len(),
            players,
        });
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(fills: &[Option<i64>]) -> Vec<Waiting> {
        fills
            .iter()
            .map(|f| Waiting {
                player: PlayerId::new(),
                bot_fill_at: f.map(Millis),
            })
            .collect()
    }

    #[test]
    fn full_parties_are_cut_oldest_first_and_the_rest_waits() {
        let q = queue(&[None; 9]);
        let groups = form(&q, 4, Millis(0));
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0].players,
            vec![q[0].player, q[1].player, q[2].player, q[3].player]
        );
        assert_eq!(
            groups[1].players,
            vec![q[4].player, q[5].player, q[6].player, q[7].player]
        );
        assert!(groups.iter().all(|g| g.bots == 0));
    }

    #[test]
    fn too_few_players_before_any_wait_is_over_form_nothing() {
        let q = queue(&[Some(100), None, Some(50)]);
        assert!(form(&q, 4, Millis(49)).is_empty());
        assert!(form(&[], 4, Millis(49)).is_empty());
    }

    #[test]
    fn a_due_wait_fills_with_bots_the_players_who_accept_them() {
        let q = queue(&[None, Some(100), Some(50)]);
        let groups = form(&q, 4, Millis(50));
        assert_eq!(
            groups,
            vec![Group {
                players: vec![q[1].player, q[2].player],
                bots: 2,
            }]
        );
    }

    #[test]
    fn full_parties_come_first_then_the_due_remainder_with_bots() {
        let q = queue(&[Some(10), Some(10), Some(10), Some(10), Some(10)]);
        let groups = form(&q, 4, Millis(10));
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].bots, 0);
        assert_eq!(groups[1].players, vec![q[4].player]);
        assert_eq!(groups[1].bots, 3);
    }

    #[test]
    fn every_player_is_in_at_most_one_party() {
        let fills: Vec<Option<i64>> = (0..23)
            .map(|i| (i % 3 != 0).then_some(i64::from(i)))
            .collect();
        let q = queue(&fills);
        for size in 3..=8 {
            let groups = form(&q, size, Millis(5));
            let mut seen: Vec<PlayerId> = groups.iter().flat_map(|g| g.players.clone()).collect();
            let total = seen.len();
            seen.sort_by_key(PlayerId::as_uuid);
            seen.dedup();
            assert_eq!(seen.len(), total, "size {size}");
            assert!(groups.iter().all(|g| g.players.len() + g.bots == size));
        }
    }
}

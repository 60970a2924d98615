//! The all-time leaderboards, ranked in memory.
//!
//! An all-time board aggregates every standing of every person: at 100,000
//! players that is a few hundred milliseconds of database work per request,
//! whatever the indexes. The standings only change when a party settles, so
//! this instance recounts them once per change and answers from the
//! recount: the three boards' orders and every player's position on each.
//! The recount is tagged with the store's standings version read *before*
//! it began (see [`crate::store::Store::standings_version`]), so a
//! settlement committed after that point always makes it stale, and a board
//! is never older than the last settlement this instance knows of (its own
//! commits, and on PostgreSQL every instance's, by `LISTEN`). No totals are
//! stored or carried forward: each recount starts from the facts.

use std::collections::HashMap;
use std::sync::Arc;

use party_protocol::party_history::LeaderboardBoard;
use uuid::Uuid;

use crate::error::Result;
use crate::party::standings::{self, Totals};
use crate::store::{BoardRow, Store, TotalsRow};

/// One recount of the standings, ranked on each board.
#[derive(Debug)]
struct Recount {
    version: u64,
    players: Vec<TotalsRow>,
    boards: [Ranking; 3],
}

/// One board: players in board order, and each one's position (1-based).
#[derive(Debug, Default)]
struct Ranking {
    order: Vec<usize>,
    position: HashMap<Uuid, usize>,
}

fn totals(row: &TotalsRow) -> Totals {
    Totals {
        played: row.played,
        wins: row.wins,
        net_coins: row.net,
        votes: row.votes,
        correct: row.correct,
    }
}

fn board_index(board: LeaderboardBoard) -> usize {
    match board {
        LeaderboardBoard::Wins => 0,
        LeaderboardBoard::NetCoins => 1,
        LeaderboardBoard::VoteAccuracy => 2,
    }
}

const BOARDS: [LeaderboardBoard; 3] = [
    LeaderboardBoard::Wins,
    LeaderboardBoard::NetCoins,
    LeaderboardBoard::VoteAccuracy,
];

/// Ranks `players` on `board` by [`standings::board_key`] (higher first,
/// then the lower player id), leaving out who is not on it.
fn rank(players: &[TotalsRow], board: LeaderboardBoard, min_votes: i64) -> Ranking {
    let mut keyed: Vec<((i64, i64), usize)> = players
        .iter()
        .enumerate()
        .filter_map(|(i, p)| standings::board_key(board, &totals(p), min_votes).map(|k| (k, i)))
        .collect();
    keyed.sort_unstable_by(|(a, i), (b, j)| {
        b.cmp(a)
            .then_with(|| players[*i].player_id.cmp(&players[*j].player_id))
    });
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    let position = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| (players[i].player_id, pos + 1))
        .collect();
    Ranking { order, position }
}

impl Recount {
    fn new(version: u64, players: Vec<TotalsRow>, min_votes: i64) -> Self {
        let boards = BOARDS.map(|board| rank(&players, board, min_votes));
        Recount {
            version,
            players,
            boards,
        }
    }

    /// The first `limit` rows of `board`, and `me`'s wherever it stands.
    fn rows(&self, board: LeaderboardBoard, limit: i64, me: Uuid) -> Vec<BoardRow> {
        let ranking = &self.boards[board_index(board)];
        let row = |pos: usize| {
            let p = &self.players[ranking.order[pos - 1]];
            BoardRow {
                pos: pos as i64,
                player_id: p.player_id,
                username: p.username.clone(),
                played: p.played,
                wins: p.wins,
                net: p.net,
                votes: p.votes,
                correct: p.correct,
            }
        };
        let top = usize::try_from(limit).unwrap_or(0).min(ranking.order.len());
        let mut rows: Vec<BoardRow> = (1..=top).map(row).collect();
        if let Some(&pos) = ranking.position.get(&me)
            && pos > top
        {
            rows.push(row(pos));
        }
        rows
    }
}

/// This instance's latest recount; the async lock makes concurrent
/// requests after a settlement share one recount rather than start one each.
#[derive(Debug, Default)]
pub struct AllTimeBoards {
    latest: tokio::sync::Mutex<Option<Arc<Recount>>>,
}

impl AllTimeBoards {
    /// The all-time `board`'s first `limit` rows and `me`'s, in board order
    /// (the rows the database query would give for the same standings).
    pub async fn rows(
        &self,
        store: &Store,
        board: LeaderboardBoard,
        min_votes: i64,
        limit: i64,
        me: Uuid,
    ) -> Result<Vec<BoardRow>> {
        Ok(self.current(store, min_votes).await?.rows(board, limit, me))
    }

    /// Recounts now if the standings changed since the last recount (at
    /// start-up, so the first request need not).
    pub async fn warm(&self, store: &Store, min_votes: i64) -> Result<()> {
        self.current(store, min_votes).await.map(drop)
    }

    async fn current(&self, store: &Store, min_votes: i64) -> Result<Arc<Recount>> {
        let mut latest = self.latest.lock().await;
        // Read before the recount's own read: a settlement committing
        // after this point moves the version past the one kept.
        let version = store.standings_version();
        if let Some(recount) = latest.as_ref().filter(|r| r.version == version) {
            return Ok(recount.clone());
        }
        let started = std::time::Instant::now();
        let players = store.read().await?.all_time_totals().await?;
        let recount = Arc::new(Recount::new(version, players, min_votes));
        metrics::histogram!("party_leaderboard_recount_seconds")
            .record(started.elapsed().as_secs_f64());
        *latest = Some(recount.clone());
        Ok(recount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player(n: u8, played: i64, wins: i64, net: i64, votes: i64, correct: i64) -> TotalsRow {
        TotalsRow {
            player_id: Uuid::from_bytes([n; 16]),
            username: format!("p{n}"),
            played,
            wins,
            net,
            votes,
            correct,
        }
    }

    fn names(rows: &[BoardRow]) -> Vec<(i64, String)> {
        rows.iter().map(|r| (r.pos, r.username.clone())).collect()
    }

    #[test]
    fn boards_rank_by_their_rule_and_add_me_below_the_top() {
        let recount = Recount::new(
            0,
            vec![
                player(1, 4, 2, 30, 9, 9),
                player(2, 3, 2, 50, 20, 10),
                player(3, 5, 3, -10, 10, 9),
                player(4, 4, 2, 30, 40, 20),
            ],
            10,
        );
        let me = Uuid::from_bytes([1; 16]);
        let wins = recount.rows(LeaderboardBoard::Wins, 2, me);
        // 3 wins first; 2 wins in 3 parties before 2 in 4; then the lower id.
        assert_eq!(
            names(&wins),
            vec![(1, "p3".into()), (2, "p2".into()), (3, "p1".into())]
        );
        let net = recount.rows(LeaderboardBoard::NetCoins, 10, me);
        assert_eq!(
            names(&net),
            vec![
                (1, "p2".into()),
                (2, "p1".into()),
                (3, "p4".into()),
                (4, "p3".into())
            ]
        );
        // p1 has 9 votes: under the minimum, so not on the accuracy board,
        // and no `me` row either. Equal accuracy ties to more votes.
        let accuracy = recount.rows(LeaderboardBoard::VoteAccuracy, 10, me);
        assert_eq!(
            names(&accuracy),
            vec![(1, "p3".into()), (2, "p4".into()), (3, "p2".into())]
        );
        assert!(recount.rows(LeaderboardBoard::Wins, 0, me).len() == 1);
    }
}

//! Party standings (`migrations/*/0011_party_standings.sql`): one row per
//! participant of a party that ended with results, written at settlement;
//! the history, the personal stats and the leaderboards read them.

use party_protocol::PlayerId;
use party_protocol::party_history::LeaderboardBoard;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::args::Arg;
use crate::store::sql::{placeholders, values_list};
use crate::store::{Tx, columns_row};

/// One participant's line of a settled party.
#[derive(Debug, Clone)]
pub struct StandingRow {
    pub player_id: Uuid,
    pub is_bot: bool,
    pub rank: i64,
    pub net_coins: i64,
    pub votes: i64,
    pub correct_votes: i64,
    pub original_votes: i64,
    pub copy_votes_fooled: i64,
}

/// One party of a player's history, as they finished it.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub session_id: Uuid,
    pub party_code: String,
    pub completed: bool,
    pub ended_at: i64,
    pub rank: i64,
    pub net_coins: i64,
}

columns_row!(HistoryRow {
    session_id,
    party_code,
    completed,
    ended_at,
    rank,
    net_coins
});

/// One player of a party in a history page.
#[derive(Debug, Clone)]
pub struct HistoryPlayerRow {
    pub session_id: Uuid,
    pub player_id: Uuid,
    pub username: String,
    pub is_bot: bool,
    pub rank: i64,
    pub net_coins: i64,
}

columns_row!(HistoryPlayerRow {
    session_id,
    player_id,
    username,
    is_bot,
    rank,
    net_coins
});

/// A player's sums over every party they finished.
#[derive(Debug, Clone, Default)]
pub struct StatsRow {
    pub played: i64,
    pub wins: i64,
    pub rank_sum: i64,
    pub net_coins: i64,
    pub votes: i64,
    pub correct_votes: i64,
    pub original_votes: i64,
    pub copy_votes_fooled: i64,
}

columns_row!(StatsRow {
    played,
    wins,
    rank_sum,
    net_coins,
    votes,
    correct_votes,
    original_votes,
    copy_votes_fooled
});

/// A party phraseset a player wrote or copied for, with its votes.
#[derive(Debug, Clone)]
pub struct PhraseRow {
    pub session_id: Uuid,
    pub ended_at: i64,
    pub prompt_text: String,
    pub original_phrase: String,
    pub copy_phrase_1: String,
    pub copy_phrase_2: String,
    pub original_player_id: Uuid,
    pub copy_player_1: Uuid,
    pub copy_player_2: Uuid,
    pub original_votes: i64,
    pub copy_votes_1: i64,
    pub copy_votes_2: i64,
}

columns_row!(PhraseRow {
    session_id,
    ended_at,
    prompt_text,
    original_phrase,
    copy_phrase_1,
    copy_phrase_2,
    original_player_id,
    copy_player_1,
    copy_player_2,
    original_votes,
    copy_votes_1,
    copy_votes_2
});

/// One leaderboard line: a player's position on the board and their totals.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub pos: i64,
    pub player_id: Uuid,
    pub username: String,
    pub played: i64,
    pub wins: i64,
    pub net: i64,
    pub votes: i64,
    pub correct: i64,
}

columns_row!(BoardRow {
    pos,
    player_id,
    username,
    played,
    wins,
    net,
    votes,
    correct
});

/// A person's totals over all their standings.
#[derive(Debug, Clone)]
pub struct TotalsRow {
    pub player_id: Uuid,
    pub username: String,
    pub played: i64,
    pub wins: i64,
    pub net: i64,
    pub votes: i64,
    pub correct: i64,
}

columns_row!(TotalsRow {
    player_id,
    username,
    played,
    wins,
    net,
    votes,
    correct
});

/// A page of history starts after this party (keyset paging on the
/// `party_standings_player` index).
#[derive(Debug, Clone, Copy)]
pub struct HistoryCursor {
    pub ended_at: i64,
    pub session_id: Uuid,
}

const STANDING_COLUMNS: usize = 11;

/// `(score, tie)` of each board over the aggregate's columns: both higher
/// first, then the lower player id (`party::standings::board_key` is the
/// same rule in Rust).
fn board_order(board: LeaderboardBoard) -> (&'static str, &'static str) {
    match board {
        LeaderboardBoard::Wins => ("wins", "-played"),
        LeaderboardBoard::NetCoins => ("net", "-played"),
        LeaderboardBoard::VoteAccuracy => ("correct * 10000 / NULLIF(votes, 0)", "votes"),
    }
}

impl Tx {
    /// Stores a settled party's standings (once: a second call for the same
    /// party changes nothing).
    pub async fn insert_standings(
        &mut self,
        session: Uuid,
        ended_at: Millis,
        completed: bool,
        rows: &[StandingRow],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO party_standings (session_id, player_id, ended_at, completed, is_bot, rank, \
             net_coins, votes, correct_votes, original_votes, copy_votes_fooled) VALUES {} \
             ON CONFLICT (session_id, player_id) DO NOTHING",
            values_list(rows.len(), STANDING_COLUMNS, 1)
        );
        let args = rows.iter().flat_map(|r| {
            [
                Arg::from(session),
                Arg::from(r.player_id),
                Arg::from(ended_at.0),
                Arg::from(completed),
                Arg::from(r.is_bot),
                Arg::from(r.rank as i32),
                Arg::from(r.net_coins),
                Arg::from(r.votes as i32),
                Arg::from(r.correct_votes as i32),
                Arg::from(r.original_votes as i32),
                Arg::from(r.copy_votes_fooled as i32),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        self.stored_standings = true;
        Ok(())
    }

    /// Where `session` sits in `player`'s history; `None` if not in it.
    pub async fn history_cursor(
        &mut self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<Option<HistoryCursor>> {
        let ended: Option<i64> = self
            .query("SELECT ended_at FROM party_standings WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .fetch_optional()
            .await?;
        Ok(ended.map(|ended_at| HistoryCursor {
            ended_at,
            session_id: session,
        }))
    }

    /// Up to `limit` of `player`'s parties ended before `after` (all when
    /// `None`), newest first.
    pub async fn history_page(
        &mut self,
        player: PlayerId,
        after: Option<HistoryCursor>,
        limit: i64,
    ) -> Result<Vec<HistoryRow>> {
        const SELECT: &str = "SELECT s.session_id, ps.party_code, s.completed, s.ended_at, \
             CAST(s.rank AS BIGINT) AS rank, s.net_coins \
             FROM party_standings s JOIN party_sessions ps ON ps.session_id = s.session_id \
             WHERE s.player_id = $1";
        const ORDER: &str = " ORDER BY s.ended_at DESC, s.session_id DESC";
        match after {
            None => {
                let sql = format!("{SELECT}{ORDER} LIMIT $2");
                self.query(&sql)
                    .bind(player.as_uuid())
                    .bind(limit)
                    .fetch_all()
                    .await
            }
            Some(c) => {
                let sql = format!(
                    "{SELECT} AND (s.ended_at < $2 OR (s.ended_at = $2 AND s.session_id < $3)){ORDER} LIMIT $4"
                );
                self.query(&sql)
                    .bind(player.as_uuid())
                    .bind(c.ended_at)
                    .bind(c.session_id)
                    .bind(limit)
                    .fetch_all()
                    .await
            }
        }
    }

    /// Everyone's standings in `sessions`, by party then rank.
    pub async fn standings_of(&mut self, sessions: &[Uuid]) -> Result<Vec<HistoryPlayerRow>> {
        if sessions.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT s.session_id, s.player_id, p.username, s.is_bot, CAST(s.rank AS BIGINT) AS rank, \
             s.net_coins FROM party_standings s JOIN players p ON p.player_id = s.player_id \
             WHERE s.session_id IN ({}) ORDER BY s.session_id, s.rank",
            placeholders(1, sessions.len())
        );
        self.query(&sql)
            .bind_all(sessions.iter().map(|id| Arg::from(*id)))
            .fetch_all()
            .await
    }

    /// `player`'s sums over every party they finished.
    pub async fn stats_totals(&mut self, player: PlayerId) -> Result<StatsRow> {
        self.query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS played, \
               CAST(COALESCE(SUM(CASE WHEN completed AND rank = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS wins, \
               CAST(COALESCE(SUM(rank), 0) AS BIGINT) AS rank_sum, \
               CAST(COALESCE(SUM(net_coins), 0) AS BIGINT) AS net_coins, \
               CAST(COALESCE(SUM(votes), 0) AS BIGINT) AS votes, \
               CAST(COALESCE(SUM(correct_votes), 0) AS BIGINT) AS correct_votes, \
               CAST(COALESCE(SUM(original_votes), 0) AS BIGINT) AS original_votes, \
               CAST(COALESCE(SUM(copy_votes_fooled), 0) AS BIGINT) AS copy_votes_fooled \
             FROM party_standings WHERE player_id = $1",
        )
        .bind(player.as_uuid())
        .fetch_one()
        .await
    }

    /// `(completed, rank)` of each party `player` finished, oldest first.
    pub async fn finishes(&mut self, player: PlayerId) -> Result<Vec<(bool, i64)>> {
        self.query(
            "SELECT completed, CAST(rank AS BIGINT) FROM party_standings WHERE player_id = $1 \
             ORDER BY ended_at, session_id",
        )
        .bind(player.as_uuid())
        .fetch_all()
        .await
    }

    /// The party phrasesets `player` wrote or copied for, in the parties
    /// they finished.
    pub async fn standing_phrases(&mut self, player: PlayerId) -> Result<Vec<PhraseRow>> {
        self.query(
            "SELECT s.session_id, s.ended_at, p.prompt_text, p.original_phrase, p.copy_phrase_1, \
               p.copy_phrase_2, p.original_player_id, p.copy_player_1, p.copy_player_2, \
               CAST(p.original_votes AS BIGINT) AS original_votes, \
               CAST(p.copy_votes_1 AS BIGINT) AS copy_votes_1, \
               CAST(p.copy_votes_2 AS BIGINT) AS copy_votes_2 \
             FROM party_standings s JOIN phrasesets p ON p.party_session_id = s.session_id \
             WHERE s.player_id = $1 \
               AND (p.original_player_id = $1 OR p.copy_player_1 = $1 OR p.copy_player_2 = $1)",
        )
        .bind(player.as_uuid())
        .fetch_all()
        .await
    }

    /// Every person's totals over all their standings (bots never), with
    /// no order: what the all-time boards rank (`service::party::boards`).
    pub async fn all_time_totals(&mut self) -> Result<Vec<TotalsRow>> {
        self.query(
            "SELECT t.player_id, p.username, t.played, t.wins, t.net, t.votes, t.correct FROM \
             (SELECT player_id, CAST(COUNT(*) AS BIGINT) AS played, \
               CAST(SUM(CASE WHEN completed AND rank = 1 THEN 1 ELSE 0 END) AS BIGINT) AS wins, \
               CAST(SUM(net_coins) AS BIGINT) AS net, CAST(SUM(votes) AS BIGINT) AS votes, \
               CAST(SUM(correct_votes) AS BIGINT) AS correct \
              FROM party_standings WHERE NOT is_bot GROUP BY player_id) t \
             JOIN players p ON p.player_id = t.player_id",
        )
        .fetch_all()
        .await
    }

    /// A leaderboard over the parties ended from `since` on (the weekly
    /// boards; the all-time ones rank [`Tx::all_time_totals`] in memory):
    /// the first `limit` players (bots never) by `board`, and `me` wherever
    /// they stand, in board order. `min_votes` applies to the accuracy board.
    pub async fn leaderboard(
        &mut self,
        board: LeaderboardBoard,
        since: Millis,
        min_votes: i64,
        limit: i64,
        me: PlayerId,
    ) -> Result<Vec<BoardRow>> {
        let (score, tie) = board_order(board);
        // The period's rows are read first, through the period index
        // (`MATERIALIZED`: otherwise SQLite prefers walking the player
        // index for the GROUP BY, every row of all time).
        let rows = "s AS MATERIALIZED (SELECT player_id, completed, rank, net_coins, votes, correct_votes \
             FROM party_standings WHERE NOT is_bot AND ended_at >= $4)";
        let having = if board == LeaderboardBoard::VoteAccuracy {
            " HAVING SUM(votes) >= $3"
        } else {
            " HAVING COUNT(*) >= $3"
        };
        let sql = format!(
            "WITH {rows}, t AS (SELECT player_id, CAST(COUNT(*) AS BIGINT) AS played, \
               CAST(SUM(CASE WHEN completed AND rank = 1 THEN 1 ELSE 0 END) AS BIGINT) AS wins, \
               CAST(SUM(net_coins) AS BIGINT) AS net, CAST(SUM(votes) AS BIGINT) AS votes, \
               CAST(SUM(correct_votes) AS BIGINT) AS correct \
             FROM s GROUP BY player_id{having}), \
             r AS (SELECT t.*, CAST(ROW_NUMBER() OVER (ORDER BY {score} DESC, {tie} DESC, player_id) AS BIGINT) AS pos FROM t) \
             SELECT r.pos, r.player_id, p.username, r.played, r.wins, r.net, r.votes, r.correct \
             FROM r JOIN players p ON p.player_id = r.player_id \
             WHERE r.pos <= $1 OR r.player_id = $2 ORDER BY r.pos"
        );
        let floor = if board == LeaderboardBoard::VoteAccuracy {
            min_votes
        } else {
            1
        };
        self.query(&sql)
            .bind(limit)
            .bind(me.as_uuid())
            .bind(floor)
            .bind(since.0)
            .fetch_all()
            .await
    }
}

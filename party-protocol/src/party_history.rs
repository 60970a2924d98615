//! After the party (issue 16): a player's party history, their personal
//! party stats and the party leaderboards. A past party's full results are
//! read again through `GET /party/{id}/results` (its participants only).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{PlayerId, SessionId};
use crate::party::{PartyCode, SessionStatus};

/// Parties per history page when the request names no `limit`.
pub const HISTORY_DEFAULT_LIMIT: u32 = 20;
/// The most parties one history page holds.
pub const HISTORY_MAX_LIMIT: u32 = 50;
/// Rows per leaderboard when the request names no `limit`.
pub const LEADERBOARD_DEFAULT_LIMIT: u32 = 10;
/// The most rows one leaderboard holds.
pub const LEADERBOARD_MAX_LIMIT: u32 = 100;
/// Votes a player must have cast (in the period) to appear on the vote
/// accuracy board: below it, one lucky vote would top the board.
pub const LEADERBOARD_MIN_VOTES: i64 = 10;

/// `GET /party/history` query: `limit` parties ending before the party
/// `before` (the previous page's `next_before`), newest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<SessionId>,
}

/// One player of a past party, in rank order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPlayer {
    pub player_id: PlayerId,
    pub username: String,
    pub is_bot: bool,
    pub rank: i64,
    pub net_coins: Coins,
}

/// One past party, as the caller played it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    /// `COMPLETED` or `ABANDONED` (abandoned after its start).
    pub status: SessionStatus,
    /// When it reached RESULTS or was abandoned.
    #[serde(with = "crate::time_format::rfc3339")]
    pub ended_at: OffsetDateTime,
    /// The caller's rank and net coins in it.
    pub rank: i64,
    pub net_coins: Coins,
    pub players: Vec<HistoryPlayer>,
}

/// `GET /party/history`: a page of the caller's past parties, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    pub parties: Vec<HistoryEntry>,
    /// Pass as `before` for the next page; `null` on the last page.
    pub next_before: Option<SessionId>,
}

/// The phrase of the caller's that drew the most votes in a party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestPhrase {
    pub phrase: String,
    pub prompt_text: String,
    pub is_original: bool,
    pub votes: i64,
    pub session_id: SessionId,
}

/// `GET /player/party-stats`: the caller's party record, computed from the
/// stored results of every party they finished (README "History, stats
/// and leaderboards" defines each field).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyStatsResponse {
    pub parties_played: i64,
    pub parties_won: i64,
    /// Mean rank over the parties played, two decimals; `null` before any.
    pub average_rank: Option<f64>,
    pub net_coins: Coins,
    pub votes_cast: i64,
    pub correct_votes: i64,
    /// Percentage of correct votes, one decimal; 0 without votes.
    pub vote_accuracy: f64,
    /// Votes the caller's originals drew in their parties' own sets.
    pub original_votes: i64,
    /// Voters the caller's copies fooled in their parties' own sets.
    pub copy_votes_fooled: i64,
    pub best_phrase: Option<BestPhrase>,
    pub current_win_streak: i64,
    pub best_win_streak: i64,
}

/// What a leaderboard ranks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderboardBoard {
    #[default]
    Wins,
    NetCoins,
    VoteAccuracy,
}

impl LeaderboardBoard {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaderboardBoard::Wins => "wins",
            LeaderboardBoard::NetCoins => "net_coins",
            LeaderboardBoard::VoteAccuracy => "vote_accuracy",
        }
    }
}

/// Which parties a leaderboard counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderboardPeriod {
    /// Parties ended since Monday 00:00 UTC.
    Weekly,
    #[default]
    AllTime,
}

impl LeaderboardPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaderboardPeriod::Weekly => "weekly",
            LeaderboardPeriod::AllTime => "all_time",
        }
    }
}

/// `GET /party/leaderboard` query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderboardQuery {
    #[serde(default)]
    pub board: LeaderboardBoard,
    #[serde(default)]
    pub period: LeaderboardPeriod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One leaderboard row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub rank: i64,
    pub player_id: PlayerId,
    pub username: String,
    /// The board's measure: wins, net coins, or vote accuracy (percent,
    /// one decimal).
    pub value: f64,
    pub parties_played: i64,
    pub wins: i64,
    pub net_coins: Coins,
    pub votes_cast: i64,
    pub correct_votes: i64,
}

/// `GET /party/leaderboard`: the top rows, and the caller's own row
/// (`null` when they are not on this board: no party in the period, too few
/// votes for the accuracy board, or a bot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardResponse {
    pub board: LeaderboardBoard,
    pub period: LeaderboardPeriod,
    /// Start of the period (`null` for all time).
    #[serde(default, with = "crate::time_format::option")]
    pub since: Option<OffsetDateTime>,
    /// Votes needed to appear on the vote accuracy board.
    pub min_votes: i64,
    pub rows: Vec<LeaderboardRow>,
    pub me: Option<LeaderboardRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaderboard_query_names_are_snake_case() {
        let q: LeaderboardQuery =
            serde_json::from_str(r#"{"board":"vote_accuracy","period":"weekly","limit":5}"#)
                .unwrap();
        assert_eq!(q.board, LeaderboardBoard::VoteAccuracy);
        assert_eq!(q.period, LeaderboardPeriod::Weekly);
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.board.as_str(), "vote_accuracy");
        assert_eq!(LeaderboardPeriod::AllTime.as_str(), "all_time");
        assert!(serde_json::from_str::<LeaderboardQuery>(r#"{"board":"elo"}"#).is_err());
    }

    #[test]
    fn an_empty_query_means_the_all_time_wins_board() {
        let q: LeaderboardQuery = serde_json::from_str("{}").unwrap();
        assert_eq!(
            (q.board, q.period, q.limit),
            (LeaderboardBoard::Wins, LeaderboardPeriod::AllTime, None)
        );
    }
}

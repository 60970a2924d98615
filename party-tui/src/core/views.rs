//! The state of the screens reached from the dashboard, apart from what
//! handles their keys and answers (in [`super::matchmaking`],
//! [`super::history`] and [`super::records`]): the quick match waited for,
//! the public lobbies' page, the history's page and cursors, and the
//! leaderboard chosen.

use party_protocol::SessionId;
use party_protocol::matchmaking::{PublicPartiesResponse, PublicParty, QueuedStatus};
use party_protocol::party_history::{
    HistoryEntry, HistoryResponse, LeaderboardBoard, LeaderboardPeriod, LeaderboardQuery,
    LeaderboardResponse,
};

/// The quick match the player asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickWait {
    /// Seconds until bots fill the party; `None`: humans only.
    pub bot_fill_after: Option<i64>,
    /// The place in the queue as last read; `None` until the server
    /// answered the request.
    pub queued: Option<QueuedStatus>,
}

/// The public lobbies: the page shown (`None` while it loads) and where it
/// starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicList {
    pub offset: i64,
    pub page: Option<PublicPartiesResponse>,
}

impl PublicList {
    pub fn parties(&self) -> &[PublicParty] {
        self.page.as_ref().map_or(&[], |p| p.parties.as_slice())
    }
}

/// The history as shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryList {
    /// The page shown; `None` while it loads.
    pub page: Option<HistoryResponse>,
    /// The cursor this page was asked with (`None`: the newest page).
    pub before: Option<SessionId>,
    /// The cursors of the pages before this one, to page back.
    pub earlier: Vec<Option<SessionId>>,
    /// The row chosen (kept while a past party's results show).
    pub selected: usize,
}

impl HistoryList {
    pub fn parties(&self) -> &[HistoryEntry] {
        self.page.as_ref().map_or(&[], |p| p.parties.as_slice())
    }

    /// The page's number, from 1.
    pub fn page_number(&self) -> usize {
        self.earlier.len() + 1
    }
}

/// Rows a board shows (the server's default).
pub const BOARD_ROWS: u32 = 10;

/// The leaderboard chosen, and its rows once loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardView {
    pub board: LeaderboardBoard,
    pub period: LeaderboardPeriod,
    pub data: Option<LeaderboardResponse>,
}

impl Default for BoardView {
    /// The week's wins: what changes from one visit to the next.
    fn default() -> Self {
        BoardView {
            board: LeaderboardBoard::Wins,
            period: LeaderboardPeriod::Weekly,
            data: None,
        }
    }
}

impl BoardView {
    pub fn query(&self) -> LeaderboardQuery {
        LeaderboardQuery {
            board: self.board,
            period: self.period,
            limit: Some(BOARD_ROWS),
        }
    }
}

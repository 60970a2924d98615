//! The personal stats and the leaderboards screens, from the dashboard:
//! what they load, the keys that switch the board and the period, and
//! their answers (an answer for a board the player has switched away
//! from is dropped).

use crossterm::event::KeyCode;
use party_protocol::party_history::{
    LeaderboardBoard, LeaderboardPeriod, LeaderboardResponse, PartyStatsResponse,
};

use super::common::{call, show};
use super::msg::{ApiCall, Effect};
use super::state::{App, Screen};
use crate::api::ApiResult;

/// The boards in the order → goes through them.
pub const BOARDS: [LeaderboardBoard; 3] = [
    LeaderboardBoard::Wins,
    LeaderboardBoard::NetCoins,
    LeaderboardBoard::VoteAccuracy,
];

/// A board's name on screen.
pub fn board_name(board: LeaderboardBoard) -> &'static str {
    match board {
        LeaderboardBoard::Wins => "Wins",
        LeaderboardBoard::NetCoins => "Net coins",
        LeaderboardBoard::VoteAccuracy => "Vote accuracy",
    }
}

/// A period's name on screen.
pub fn period_name(period: LeaderboardPeriod) -> &'static str {
    match period {
        LeaderboardPeriod::Weekly => "This week",
        LeaderboardPeriod::AllTime => "All time",
    }
}

/// Opens the stats screen and loads them.
pub(super) fn open_stats(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Stats;
    vec![call(ApiCall::Stats)]
}

/// A key on the stats screen: `g` reloads, Esc goes back.
pub(super) fn stats_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    match code {
        KeyCode::Char('g') => return vec![call(ApiCall::Stats)],
        KeyCode::Esc | KeyCode::Char('d') => app.screen = Screen::Dashboard,
        KeyCode::Char('q') => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        _ => {}
    }
    vec![]
}

pub(super) fn on_stats(app: &mut App, result: ApiResult<PartyStatsResponse>) {
    match result {
        Ok(stats) => app.stats = Some(stats),
        Err(err) => show(app, &err),
    }
}

/// Opens the leaderboards on the board last chosen.
pub(super) fn open_board(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Leaderboard;
    load(app)
}

fn load(app: &mut App) -> Vec<Effect> {
    app.board.data = None;
    vec![call(ApiCall::Leaderboard(app.board.query()))]
}

/// A key on the leaderboards: ←→ (or Tab) the board, `p` the period
/// (this week / all time), `g` reloads, Esc goes back.
pub(super) fn board_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let at = BOARDS
        .iter()
        .position(|b| *b == app.board.board)
        .unwrap_or(0);
    match code {
        KeyCode::Right | KeyCode::Tab => app.board.board = BOARDS[(at + 1) % BOARDS.len()],
        KeyCode::Left | KeyCode::BackTab => {
            app.board.board = BOARDS[(at + BOARDS.len() - 1) % BOARDS.len()];
        }
        KeyCode::Char('p') => {
            app.board.period = match app.board.period {
                LeaderboardPeriod::Weekly => LeaderboardPeriod::AllTime,
                LeaderboardPeriod::AllTime => LeaderboardPeriod::Weekly,
            };
        }
        KeyCode::Char('g') => {}
        KeyCode::Esc | KeyCode::Char('d') => {
            app.screen = Screen::Dashboard;
            return vec![];
        }
        KeyCode::Char('q') => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        _ => return vec![],
    }
    load(app)
}

/// A board arrived: kept only if it is still the one chosen.
pub(super) fn on_board(app: &mut App, result: ApiResult<LeaderboardResponse>) {
    match result {
        Ok(data) if data.board == app.board.board && data.period == app.board.period => {
            app.board.data = Some(data);
        }
        Ok(_) => {}
        Err(err) => show(app, &err),
    }
}

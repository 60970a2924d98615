//! Update-logic tests of the screens after the party: the history and its
//! pages, a past party's results and reveal opened from it and left again,
//! the stats, and the leaderboards' board and period keys.

use crossterm::event::KeyCode;
use party_protocol::party_history::{
    HistoryQuery, LeaderboardBoard, LeaderboardPeriod, LeaderboardQuery,
};

use super::history::HISTORY_PAGE;
use super::{ApiCall, ApiReply, App, RevealMode, Screen, update};
use crate::fixtures::{self, app, session};
use crate::fixtures_history::{board, calls, history_page, key, past_session, reply, stats};

fn page(before: Option<party_protocol::SessionId>) -> ApiCall {
    ApiCall::History(HistoryQuery {
        limit: Some(HISTORY_PAGE),
        before,
    })
}

/// The history open on its newest page.
fn in_history() -> App {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('h')));
    update(
        &mut a,
        reply(ApiReply::History(None, Ok(history_page(true)))),
    );
    a
}

#[test]
fn h_opens_the_newest_page_and_pages_to_older_ones_and_back() {
    let mut a = app(Screen::Dashboard);
    let effects = update(&mut a, key(KeyCode::Char('h')));
    assert_eq!(calls(&effects), vec![page(None)]);
    assert_eq!(a.screen, Screen::History);
    update(
        &mut a,
        reply(ApiReply::History(None, Ok(history_page(true)))),
    );
    assert_eq!(a.history.parties().len(), 2);
    // Older: the cursor is the last party of this page.
    let older = Some(past_session(1));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('n')))),
        vec![page(older)]
    );
    assert_eq!(a.history.page_number(), 2);
    // A late answer for the page left is dropped.
    update(
        &mut a,
        reply(ApiReply::History(None, Ok(history_page(true)))),
    );
    assert!(a.history.page.is_none());
    update(
        &mut a,
        reply(ApiReply::History(older, Ok(history_page(false)))),
    );
    assert!(a.history.page.is_some());
    // The last page: no further.
    assert!(update(&mut a, key(KeyCode::Right)).is_empty());
    assert_eq!(calls(&update(&mut a, key(KeyCode::Left))), vec![page(None)]);
    assert_eq!(a.history.page_number(), 1);
    // Nothing before the first page.
    update(
        &mut a,
        reply(ApiReply::History(None, Ok(history_page(true)))),
    );
    assert!(update(&mut a, key(KeyCode::Char('b'))).is_empty());
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Dashboard);
}

#[test]
fn enter_replays_a_past_party_s_reveal_and_esc_returns_to_its_row() {
    let mut a = in_history();
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::PastResults(session())]);
    let effects = update(
        &mut a,
        reply(ApiReply::PastResults(session(), Ok(fixtures::results()))),
    );
    assert_eq!(a.screen, Screen::Results);
    assert_eq!(a.past, Some(session()));
    // The reveal plays again, with every set's voters and prizes asked for.
    assert_eq!(a.reveal.map(|r| r.mode), Some(RevealMode::Playing));
    let sets = fixtures::results().phrasesets_summary.len();
    assert_eq!(calls(&effects).len(), sets);
    assert!(
        calls(&effects)
            .iter()
            .all(|c| matches!(c, ApiCall::PhrasesetResults(_)))
    );
    // Esc first skips the reveal, as at RESULTS; then it goes back.
    update(&mut a, key(KeyCode::Esc));
    assert_eq!((a.screen, a.reveal), (Screen::Results, None));
    // Read-only: no play-again from a party long over.
    assert!(update(&mut a, key(KeyCode::Char('p'))).is_empty());
    assert_eq!(a.screen, Screen::Results);
    assert!(update(&mut a, key(KeyCode::Esc)).is_empty());
    assert_eq!(a.screen, Screen::History);
    assert_eq!((a.past, a.results.is_none()), (None, true));
    assert_eq!(a.history.parties().len(), 2, "the page is still there");
}

#[test]
fn an_abandoned_past_party_opens_on_its_scoreboard_and_keeps_the_row() {
    let mut a = in_history();
    update(&mut a, key(KeyCode::Down));
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::PastResults(past_session(1))]);
    update(
        &mut a,
        reply(ApiReply::PastResults(
            past_session(1),
            Ok(fixtures::abandoned_results()),
        )),
    );
    assert_eq!((a.screen, a.reveal), (Screen::Results, None));
    update(&mut a, key(KeyCode::Char('d')));
    assert_eq!(a.screen, Screen::History);
    assert_eq!(a.history.selected, 1);
}

#[test]
fn past_results_answered_after_leaving_the_history_are_dropped() {
    let mut a = in_history();
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Dashboard);
    update(
        &mut a,
        reply(ApiReply::PastResults(session(), Ok(fixtures::results()))),
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.results.is_none() && a.past.is_none());
}

#[test]
fn s_loads_the_stats_and_g_reloads_them() {
    let mut a = app(Screen::Dashboard);
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('s')))),
        vec![ApiCall::Stats]
    );
    assert_eq!(a.screen, Screen::Stats);
    update(&mut a, reply(ApiReply::Stats(Ok(stats()))));
    assert_eq!(a.stats, Some(stats()));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('g')))),
        vec![ApiCall::Stats]
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Dashboard);
}

#[test]
fn the_leaderboard_keys_switch_board_and_period_and_drop_stale_boards() {
    use LeaderboardBoard::{NetCoins, VoteAccuracy, Wins};
    use LeaderboardPeriod::{AllTime, Weekly};
    let q = |board, period| {
        ApiCall::Leaderboard(LeaderboardQuery {
            board,
            period,
            limit: Some(10),
        })
    };
    let mut a = app(Screen::Dashboard);
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('l')))),
        vec![q(Wins, Weekly)]
    );
    assert_eq!(a.screen, Screen::Leaderboard);
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Right))),
        vec![q(NetCoins, Weekly)]
    );
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('p')))),
        vec![q(NetCoins, AllTime)]
    );
    // The weekly board asked for before arrives late: not shown.
    update(
        &mut a,
        reply(ApiReply::Leaderboard(Ok(board(NetCoins, Weekly)))),
    );
    assert!(a.board.data.is_none());
    update(
        &mut a,
        reply(ApiReply::Leaderboard(Ok(board(NetCoins, AllTime)))),
    );
    assert_eq!(a.board.data, Some(board(NetCoins, AllTime)));
    // ← goes round: net coins, wins, then vote accuracy.
    update(&mut a, key(KeyCode::Left));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Left))),
        vec![q(VoteAccuracy, AllTime)]
    );
    assert!(
        a.board.data.is_none(),
        "the old board is not shown under the new name"
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Dashboard);
    // Back later: the board last chosen.
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('l')))),
        vec![q(VoteAccuracy, AllTime)]
    );
}

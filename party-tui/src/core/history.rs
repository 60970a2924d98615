//! The party history, from the dashboard: a page of past parties, newest
//! first, paged forward and back, and any one of them opened again — its
//! full results and reveal on the results screen, read-only, with Esc
//! back to the same row of the history.

use crossterm::event::KeyCode;
use party_protocol::SessionId;
use party_protocol::party::{PartyResultsResponse, SessionStatus};
use party_protocol::party_history::{HistoryQuery, HistoryResponse};

use super::common::{call, show};
use super::msg::{ApiCall, Effect};
use super::reveal;
use super::state::{App, Screen};
use super::views::HistoryList;
use crate::api::ApiResult;

/// Past parties per page: what the list shows at 80×24.
pub const HISTORY_PAGE: u32 = 15;

/// Opens the history at its newest page.
pub(super) fn open(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::History;
    app.history = HistoryList::default();
    load(app)
}

/// Asks for the page at the list's cursor.
fn load(app: &mut App) -> Vec<Effect> {
    app.history.page = None;
    app.history.selected = 0;
    vec![call(ApiCall::History(HistoryQuery {
        limit: Some(HISTORY_PAGE),
        before: app.history.before,
    }))]
}

/// A key on the history: ↑↓ choose, Enter opens the party, → (or `n`) the
/// next page, ← (or `b`) the previous one, `g` reloads.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let list = &mut app.history;
    let count = list.parties().len();
    match code {
        KeyCode::Up => list.selected = list.selected.saturating_sub(1),
        KeyCode::Down => list.selected = (list.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Enter => {
            if let Some(party) = list.parties().get(list.selected) {
                return vec![call(ApiCall::PastResults(party.session_id))];
            }
        }
        KeyCode::Right | KeyCode::Char('n') => {
            if let Some(next) = list.page.as_ref().and_then(|p| p.next_before) {
                let this = list.before.replace(next);
                list.earlier.push(this);
                return load(app);
            }
        }
        KeyCode::Left | KeyCode::Char('b') => {
            if let Some(previous) = list.earlier.pop() {
                list.before = previous;
                return load(app);
            }
        }
        KeyCode::Char('g') => return load(app),
        KeyCode::Esc | KeyCode::Char('d') => app.screen = Screen::Dashboard,
        KeyCode::Char('q') => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        _ => {}
    }
    vec![]
}

/// A history page arrived (`before`: the cursor it was asked with). One
/// for a page the player has paged away from is dropped.
pub(super) fn on_page(
    app: &mut App,
    before: Option<SessionId>,
    result: ApiResult<HistoryResponse>,
) {
    if before != app.history.before {
        return;
    }
    match result {
        Ok(page) => app.history.page = Some(page),
        Err(err) => show(app, &err),
    }
}

/// A past party's results arrived: the results screen shows them, the
/// reveal playing again as it did at RESULTS. Only while the history is
/// still on screen (the player may have gone elsewhere since).
pub(super) fn on_results(
    app: &mut App,
    session: SessionId,
    result: ApiResult<PartyResultsResponse>,
) -> Vec<Effect> {
    if app.screen != Screen::History {
        return vec![];
    }
    match result {
        Ok(results) => {
            let abandoned = results.status == SessionStatus::Abandoned;
            app.results = Some(results);
            app.past = Some(session);
            app.screen = Screen::Results;
            app.selected = 0;
            let effects = reveal::start(app);
            // As at RESULTS: an abandoned party's scoreboard comes first.
            if abandoned {
                app.reveal = None;
            }
            effects
        }
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// Leaves a past party's results: back to the history, on its row.
pub(super) fn close_past(app: &mut App) {
    app.past = None;
    app.results = None;
    app.reveal = None;
    app.set_details.clear();
    app.selected = 0;
    app.screen = Screen::History;
}

/// The results screen's keys for a past party, once the reveal's own keys
/// did not apply: Esc or `d` returns to the history; play-again and the
/// next game are not for a party long over.
pub(super) fn past_key(app: &mut App, code: KeyCode) -> Option<Vec<Effect>> {
    app.past?;
    match code {
        KeyCode::Esc | KeyCode::Char('d') => {
            close_past(app);
            Some(vec![])
        }
        KeyCode::Char('p' | 'j') => Some(vec![]),
        _ => None,
    }
}

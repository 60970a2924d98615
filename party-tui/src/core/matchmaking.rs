//! Quick match and the public lobby list, from the dashboard: the bot-fill
//! wait asked for, the wait screen (its status read every few seconds, and
//! the player socket's `quick_match_formed` taking the player to the lobby
//! at once), leaving the queue, and paging through public lobbies to join
//! one.

use crossterm::event::KeyCode;
use party_protocol::ErrorCode;
use party_protocol::matchmaking::{
    BOT_FILL_SECONDS, PublicPartiesResponse, QuickMatchFormed, QuickMatchStatus,
};

use super::common::{call, show};
use super::msg::{ApiCall, Effect};
use super::state::{App, Screen};
use super::views::{PublicList, QuickWait};
use crate::api::ApiResult;

/// Public lobbies per page: what the list shows at 80×24.
pub const PUBLIC_PAGE: i64 = 15;

/// Seconds between status reads on the wait screen. The queue's length and
/// the player's place are not pushed, and a socket message lost in a
/// reconnect must not leave the player waiting for a lobby they are in.
pub const QUEUE_POLL_SECONDS: i64 = 3;

/// The wait typed in the quick-match dialog: empty waits for humans only,
/// else whole seconds within [`BOT_FILL_SECONDS`].
pub fn parse_wait(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .ok()
        .filter(|s| BOT_FILL_SECONDS.contains(s))
        .map(Some)
        .ok_or_else(|| {
            format!(
                "The wait is {} to {} seconds (empty: humans only).",
                BOT_FILL_SECONDS.start(),
                BOT_FILL_SECONDS.end()
            )
        })
}

/// Queues for a quick match with the wait chosen: the wait screen shows at
/// once and fills in with the server's answer.
pub(super) fn start(app: &mut App, bot_fill_after: Option<i64>) -> Effect {
    app.quick = Some(QuickWait {
        bot_fill_after,
        queued: None,
    });
    app.screen = Screen::QuickMatch;
    app.last_poll = app.now;
    call(ApiCall::QuickMatch(bot_fill_after))
}

/// A key on the wait screen: `l` or Esc leaves the queue, `g` reads the
/// status now. (Ctrl-C quits; the player then stays queued.)
pub(super) fn wait_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    match code {
        KeyCode::Char('l') | KeyCode::Esc if app.quick.is_some() => {
            vec![call(ApiCall::LeaveQuickMatch)]
        }
        KeyCode::Char('g') => vec![call(ApiCall::QuickMatchStatus)],
        _ => vec![],
    }
}

/// The clock on the wait screen: another status read when one is due.
pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    let waiting = app.quick.as_ref().is_some_and(|q| q.queued.is_some());
    if app.screen != Screen::QuickMatch
        || !waiting
        || (app.now - app.last_poll).whole_seconds() < QUEUE_POLL_SECONDS
    {
        return vec![];
    }
    app.last_poll = app.now;
    vec![call(ApiCall::QuickMatchStatus)]
}

/// The answer to queueing or to a status read.
pub(super) fn on_status(app: &mut App, result: ApiResult<QuickMatchStatus>) -> Vec<Effect> {
    match result {
        Ok(QuickMatchStatus::Queued(place)) => {
            // A read answered after the player left the queue changes nothing.
            if let Some(q) = app.quick.as_mut() {
                q.queued = Some(place);
            }
            vec![]
        }
        Ok(QuickMatchStatus::Matched(formed)) => formed_lobby(app, &formed),
        Ok(QuickMatchStatus::Idle) => {
            // Matched into a lobby the player left since, or taken out of
            // the queue by a join elsewhere.
            if app.quick.take().is_some() {
                app.screen = Screen::Dashboard;
                app.error = Some("No longer in the quick-match queue.".into());
            }
            vec![]
        }
        Err(err) => {
            show(app, &err);
            // Refused (already in a party, say): there is nothing to wait for.
            if app.quick.as_ref().is_some_and(|q| q.queued.is_none()) {
                app.quick = None;
                app.screen = Screen::Dashboard;
            }
            vec![]
        }
    }
}

/// The answer to leaving the queue.
pub(super) fn on_left(app: &mut App, result: ApiResult<QuickMatchStatus>) -> Vec<Effect> {
    match result {
        Ok(_) => {
            app.quick = None;
            if app.screen == Screen::QuickMatch {
                app.screen = Screen::Dashboard;
            }
            app.toast("Left the quick-match queue.");
            vec![]
        }
        // Matched a moment before: the status says where (the lobby, which
        // the player can leave like any other).
        Err(err) if err.is(ErrorCode::NotQueued) => vec![call(ApiCall::QuickMatchStatus)],
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// A quick match formed (the player socket's message or the status): into
/// the lobby. Not while a party or a watched one is on screen (the socket
/// is closed there anyway).
pub(super) fn formed_lobby(app: &mut App, formed: &QuickMatchFormed) -> Vec<Effect> {
    if app.party.is_some() || app.watch.is_some() {
        return vec![];
    }
    app.quick = None;
    app.toast(format!("Quick match: party {} formed.", formed.party_code));
    vec![call(ApiCall::Status(formed.session_id))]
}

/// Opens the public list at its first page.
pub(super) fn open_public(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::PublicParties;
    app.selected = 0;
    load_page(app, 0)
}

fn load_page(app: &mut App, offset: i64) -> Vec<Effect> {
    app.public = PublicList { offset, page: None };
    vec![call(ApiCall::PublicParties(offset))]
}

/// A key on the public list: ↑↓ choose, Enter joins (a password party
/// asks for its password, as any join by code), → and ← page, `g` reloads.
pub(super) fn public_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let count = app.public.parties().len();
    let offset = app.public.offset;
    match code {
        KeyCode::Up => app.selected = app.selected.saturating_sub(1),
        KeyCode::Down => app.selected = (app.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Enter => {
            if let Some(party) = app.public.parties().get(app.selected) {
                return vec![call(ApiCall::JoinParty(party.party_code.to_string()))];
            }
        }
        KeyCode::Right | KeyCode::Char('n') => {
            if let Some(next) = app.public.page.as_ref().and_then(|p| p.next_offset) {
                app.selected = 0;
                return load_page(app, next);
            }
        }
        KeyCode::Left | KeyCode::Char('b') if offset > 0 => {
            app.selected = 0;
            return load_page(app, (offset - PUBLIC_PAGE).max(0));
        }
        KeyCode::Char('g') => return load_page(app, offset),
        KeyCode::Esc | KeyCode::Char('d') => {
            app.screen = Screen::Dashboard;
            app.selected = 0;
        }
        KeyCode::Char('q') => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        _ => {}
    }
    vec![]
}

/// A page of public lobbies arrived (`offset`: the one asked for). An
/// answer for a page the player has paged away from is dropped.
pub(super) fn on_public(app: &mut App, offset: i64, result: ApiResult<PublicPartiesResponse>) {
    if offset != app.public.offset {
        return;
    }
    match result {
        Ok(page) => {
            if app.screen == Screen::PublicParties {
                app.selected = app.selected.min(page.parties.len().saturating_sub(1));
            }
            app.public.page = Some(page);
        }
        Err(err) => show(app, &err),
    }
}

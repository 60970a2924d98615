//! Invites on the dashboard: the player socket that brings them (held
//! while the dashboard or a screen reached from it shows), the list, and
//! the keys that join or decline one. The same socket says when a quick
//! match formed.

use crossterm::event::KeyCode;
use party_protocol::friends::{PartyInvite, PlayerMessage};

use super::common::call;
use super::matchmaking;
use super::msg::{ApiCall, Effect, SocketEvent};
use super::state::{App, Screen};

/// Opens the player socket on the screens that show invites and closes it
/// elsewhere (a lobby or a party has its own socket). Run after every
/// message, so the socket follows the screen whatever moved it.
pub(super) fn sync_player_socket(app: &mut App) -> Vec<Effect> {
    let wanted = app.live_invites
        && app.me.is_some()
        && !app.quit
        && (matches!(
            app.screen,
            Screen::Dashboard
                | Screen::Friends
                | Screen::QuickMatch
                | Screen::PublicParties
                | Screen::History
                | Screen::Stats
                | Screen::Leaderboard
        ) || (app.screen == Screen::Results && app.past.is_some()));
    if wanted && !app.player_ws {
        app.player_ws = true;
        return vec![Effect::ConnectPlayerWs];
    }
    if !wanted && app.player_ws {
        app.player_ws = false;
        // Pending invites come again when the socket reopens; those the
        // lobby left behind meanwhile are gone by then.
        app.invites.clear();
        return vec![Effect::ClosePlayerWs];
    }
    vec![]
}

/// What the player socket reports.
pub(super) fn on_socket(app: &mut App, event: SocketEvent<PlayerMessage>) -> Vec<Effect> {
    match event {
        // The server sends every pending invite first: start afresh.
        SocketEvent::Connected => app.invites.clear(),
        SocketEvent::Message(msg) => match *msg {
            PlayerMessage::PartyInvite(invite) => add(app, invite),
            PlayerMessage::QuickMatchFormed(formed) => {
                return matchmaking::formed_lobby(app, &formed);
            }
            PlayerMessage::Hello { .. } | PlayerMessage::Pong => {}
        },
        SocketEvent::Disconnected { retry_in: None, .. } => {
            // Given up: a later visit to the dashboard tries again.
            app.player_ws = false;
        }
        SocketEvent::Disconnected { .. } => {}
    }
    vec![]
}

/// Keeps one invite per lobby, the newest first.
fn add(app: &mut App, invite: PartyInvite) {
    app.invites.retain(|i| i.session_id != invite.session_id);
    if app.screen == Screen::Dashboard {
        app.toast(format!(
            "{} invites you to party {}: y joins.",
            invite.inviter_username, invite.party_code
        ));
    }
    app.invites.insert(0, invite);
}

/// The dashboard's invite keys: ↑↓ choose, y joins, n declines.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let count = app.invites.len();
    match code {
        KeyCode::Up => app.selected = app.selected.saturating_sub(1),
        KeyCode::Down => app.selected = (app.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Char('y') => {
            if let Some(invite) = app.invites.get(app.selected.min(count.saturating_sub(1))) {
                let code = invite.party_code.to_string();
                let session = invite.session_id;
                app.invites.retain(|i| i.session_id != session);
                app.selected = 0;
                return vec![call(ApiCall::JoinParty(code))];
            }
        }
        KeyCode::Char('n') => {
            if let Some(invite) = app.invites.get(app.selected.min(count.saturating_sub(1))) {
                return vec![call(ApiCall::DeclineInvite(invite.session_id))];
            }
        }
        _ => {}
    }
    vec![]
}

//! The friends screen: friends with presence, requests both ways and
//! blocked players in one list, and a key per action on the row chosen;
//! with the answers of those calls, the invites' and the access mode's.

use crossterm::event::KeyCode;
use party_protocol::ErrorCode;
use party_protocol::SessionId;
use party_protocol::friends::{BlocksResponse, FriendPresence, FriendsResponse, PartyInvite};
use party_protocol::party_access::PartyAccessResponse;

use super::common::{call, refresh_status, show};
use super::msg::{ApiCall, Effect};
use super::prompt;
use super::state::{App, PromptKind, Screen};
use crate::api::ApiResult;
use crate::api_social::FriendAction;

/// Which part of the list a row is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Friend,
    /// They asked you.
    Incoming,
    /// You asked them.
    Outgoing,
    Blocked,
}

/// One line of the friends screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendRow {
    pub kind: RowKind,
    pub username: String,
    /// Presence (friends only), with the lobby's code when in one.
    pub presence: Option<FriendPresence>,
    pub party_code: Option<String>,
}

/// The list as shown: friends, then requests to you, then yours, then
/// blocked players.
pub fn rows(app: &App) -> Vec<FriendRow> {
    let mut rows = Vec::new();
    if let Some(f) = &app.friends {
        rows.extend(f.friends.iter().map(|f| FriendRow {
            kind: RowKind::Friend,
            username: f.username.clone(),
            presence: Some(f.presence),
            party_code: f.party_code.as_ref().map(ToString::to_string),
        }));
        for (kind, list) in [
            (RowKind::Incoming, &f.incoming),
            (RowKind::Outgoing, &f.outgoing),
        ] {
            rows.extend(list.iter().map(|r| FriendRow {
                kind,
                username: r.username.clone(),
                presence: None,
                party_code: None,
            }));
        }
    }
    rows.extend(app.blocked.iter().map(|b| FriendRow {
        kind: RowKind::Blocked,
        username: b.username.clone(),
        presence: None,
        party_code: None,
    }));
    rows
}

/// A key on the friends screen.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let list = rows(app);
    let row = list.get(app.selected).cloned();
    let on = |kind: RowKind| {
        row.as_ref()
            .filter(|r| r.kind == kind)
            .map(|r| r.username.clone())
    };
    let act = |action: FriendAction, name: Option<String>| {
        name.map(|n| call(ApiCall::Friend(action, n)))
            .into_iter()
            .collect::<Vec<_>>()
    };
    match code {
        KeyCode::Up => app.selected = app.selected.saturating_sub(1),
        KeyCode::Down => app.selected = (app.selected + 1).min(list.len().saturating_sub(1)),
        KeyCode::Char('a') => prompt::open(app, PromptKind::FriendRequest),
        KeyCode::Enter | KeyCode::Char('y') => {
            return act(FriendAction::Accept, on(RowKind::Incoming));
        }
        KeyCode::Char('n') => return act(FriendAction::Decline, on(RowKind::Incoming)),
        KeyCode::Char('c') => return act(FriendAction::Cancel, on(RowKind::Outgoing)),
        KeyCode::Char('x') => return act(FriendAction::Remove, on(RowKind::Friend)),
        KeyCode::Char('u') => return act(FriendAction::Unblock, on(RowKind::Blocked)),
        KeyCode::Char('b') => match row.filter(|r| r.kind != RowKind::Blocked) {
            Some(r) => return vec![call(ApiCall::Friend(FriendAction::Block, r.username))],
            None => prompt::open(app, PromptKind::Block),
        },
        KeyCode::Char('j') => {
            if let Some(code) = row.and_then(|r| r.party_code) {
                return vec![call(ApiCall::JoinParty(code))];
            }
            app.error = Some("That friend is in no lobby you can join.".into());
        }
        KeyCode::Char('g') => return vec![call(ApiCall::Friends)],
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

/// The friends list and blocks arrived.
pub(super) fn on_list(app: &mut App, result: ApiResult<(FriendsResponse, BlocksResponse)>) {
    match result {
        Ok((friends, blocks)) => {
            app.friends = Some(friends);
            app.blocked = blocks.blocked;
            if app.screen == Screen::Friends {
                app.selected = app.selected.min(rows(app).len().saturating_sub(1));
            }
        }
        Err(err) => show(app, &err),
    }
}

/// A friend or block call answered: say so and reload the list.
pub(super) fn on_action(
    app: &mut App,
    action: FriendAction,
    username: &str,
    result: ApiResult<()>,
) -> Vec<Effect> {
    match result {
        Ok(()) => {
            app.toast(action.done(username));
            vec![call(ApiCall::Friends)]
        }
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// The host's invite answered.
pub(super) fn on_invited(app: &mut App, username: &str, result: ApiResult<PartyInvite>) {
    match result {
        Ok(invite) => app.toast(format!(
            "Invited {username} to {}: it shows on their dashboard.",
            invite.party_code
        )),
        Err(err) => show(app, &err),
    }
}

/// An invite declined (or already gone): off the list either way.
pub(super) fn on_declined(app: &mut App, session: SessionId, result: ApiResult<()>) {
    match result {
        Ok(()) => app.toast("Invite declined."),
        Err(err) if err.is(ErrorCode::InviteNotFound) => {}
        Err(err) => return show(app, &err),
    }
    app.invites.retain(|i| i.session_id != session);
    app.selected = 0;
}

/// The lobby's access mode changed (the socket's event refreshes it too).
pub(super) fn on_access(app: &mut App, result: ApiResult<PartyAccessResponse>) -> Vec<Effect> {
    match result {
        Ok(set) => {
            app.toast(format!("Who may join: {}", access_name(set.access)));
            refresh_status(app)
        }
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// A party's access mode in words.
pub fn access_name(access: party_protocol::party_access::PartyAccess) -> &'static str {
    use party_protocol::party_access::PartyAccess as A;
    match access {
        A::Open => "open (anyone with the code)",
        A::Password => "password",
        A::InviteOnly => "invite-only (invited players and friends)",
    }
}

//! The players' chat, in the lobby and on the results: loaded from the
//! server when one of those screens shows a party, kept up to date by the
//! party socket's `party_chat` messages, typed after `t`, and a mute per
//! player (`m` on the selected player). The server keeps the mutes and
//! never sends a muted player's lines; the client only mirrors the list.

use crossterm::event::KeyCode;
use party_protocol::party::PartyPhase;
use party_protocol::party_chat::{CHAT_MAX_CHARS, ChatPage, MuteResponse, PartyChatMessage};
use party_protocol::{PlayerId, SessionId};

use super::common::{call, show};
use super::msg::{ApiCall, Effect};
use super::state::{App, PartyChat, Screen};
use crate::api::ApiResult;

/// Whether the party on screen is where chat is open (lobby, results).
fn open(app: &App) -> bool {
    app.party.as_ref().is_some_and(|p| {
        matches!(
            p.current_phase,
            PartyPhase::Lobby | PartyPhase::Results | PartyPhase::Completed
        )
    })
}

/// Loads the chat of the party on screen the first time the lobby or the
/// results show it.
pub(super) fn load(app: &mut App) -> Vec<Effect> {
    let Some(session) = app.session_id() else {
        return vec![];
    };
    if !open(app) || app.chat.session == Some(session) {
        return vec![];
    }
    app.chat = PartyChat {
        session: Some(session),
        ..PartyChat::default()
    };
    vec![call(ApiCall::ChatPage(session))]
}

/// The page read: the latest lines and the mutes.
pub(super) fn on_page(app: &mut App, session: SessionId, result: ApiResult<ChatPage>) {
    match result {
        Ok(page) if app.chat.session == Some(session) => {
            app.chat.muted = page.muted;
            let own = std::mem::take(&mut app.chat.lines);
            for message in page.messages.into_iter().chain(own) {
                app.chat.add(message);
            }
        }
        Ok(_) => {}
        Err(err) => show(app, &err),
    }
}

/// A line from the party socket.
pub(super) fn on_message(app: &mut App, session: SessionId, message: PartyChatMessage) {
    if app.chat.session == Some(session) {
        app.chat.add(message);
    }
}

/// The answer to sending a line: clear it (and show it, should the
/// socket be down). A refusal (too fast, chat closed) keeps it to send again.
pub(super) fn on_sent(app: &mut App, result: ApiResult<PartyChatMessage>) {
    match result {
        Ok(message) => {
            app.chat.input.clear();
            app.chat.add(message);
        }
        Err(err) => show(app, &err),
    }
}

/// The mutes changed: the list, and the lines read again (unmuting shows
/// the earlier lines of that player).
pub(super) fn on_muted(app: &mut App, result: ApiResult<MuteResponse>) -> Vec<Effect> {
    match result {
        Ok(r) => {
            app.chat.muted = r.muted;
            let muted = app.chat.muted.clone();
            app.chat.lines.retain(|m| !muted.contains(&m.player_id));
            app.chat
                .session
                .map(ApiCall::ChatPage)
                .map(call)
                .into_iter()
                .collect()
        }
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// The player the lobby or the scoreboard has selected, with their name.
fn selected(app: &App) -> Option<(PlayerId, String)> {
    if app.screen == Screen::Lobby {
        return app
            .party
            .as_ref()?
            .participants
            .get(app.selected)
            .map(|p| (p.player_id, p.username.clone()));
    }
    let rankings = &app.results.as_ref()?.rankings;
    let at = app.selected.min(rankings.len().saturating_sub(1));
    rankings.get(at).map(|r| (r.player_id, r.username.clone()))
}

/// A chat key in the lobby or on the scoreboard, if it is one: every key
/// while typing; else `t` (type) and `m` (mute or unmute the selected
/// player). The reveal shows no chat, so it keeps its keys.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Option<Vec<Effect>> {
    if app.screen == Screen::Results && app.reveal.is_some() {
        return None;
    }
    let session = app.chat.session.filter(|_| open(app))?;
    let chat = &mut app.chat;
    if chat.typing {
        match code {
            KeyCode::Esc => chat.typing = false,
            KeyCode::Backspace => {
                chat.input.pop();
            }
            KeyCode::Enter if !chat.input.trim().is_empty() => {
                return Some(vec![call(ApiCall::SendChat(
                    session,
                    chat.input.trim().to_owned(),
                ))]);
            }
            KeyCode::Char(c) if chat.input.chars().count() < CHAT_MAX_CHARS => chat.input.push(c),
            _ => {}
        }
        return Some(vec![]);
    }
    match code {
        KeyCode::Char('t') => {
            chat.typing = true;
            Some(vec![])
        }
        KeyCode::Char('m') => {
            let Some((player, name)) = selected(app) else {
                return Some(vec![]);
            };
            if Some(player) == app.my_id() {
                app.error = Some("Select another player to mute (↑/↓).".into());
                return Some(vec![]);
            }
            let mute = !app.chat.muted.contains(&player);
            app.toast(if mute {
                format!("{name} muted: you no longer see their chat.")
            } else {
                format!("{name} unmuted.")
            });
            Some(vec![call(ApiCall::Mute(session, player, mute))])
        }
        _ => None,
    }
}

//! Watching a party: the spectator status, the read-only spectator socket
//! (the players' events and the spectators' chat), chat typed and sent,
//! the "join next game" toggle, and what play-again does to a spectator —
//! seated in the new lobby as a player when they asked and got a seat,
//! else watching that new lobby.

use std::collections::VecDeque;

use crossterm::event::KeyCode;
use party_protocol::party::{
    ActivePartyResponse, PartyPhase, PartyResultsResponse, PartyStatusResponse,
};
use party_protocol::party_ws::ServerEvent;
use party_protocol::spectate::{
    CHAT_MAX_CHARS, ChatResponse, NextGameResponse, SpectatorNotice, SpectatorSocketMessage,
    SpectatorStatusResponse,
};
use party_protocol::{ErrorCode, SessionId};

use super::common::{call, leave_party_view, show};
use super::msg::{ApiCall, Effect, SocketEvent};
use super::prompt;
use super::reveal;
use super::state::{App, ConnState, PromptKind, Screen};
use crate::api::ApiResult;

/// Chat lines kept (chat is not stored: only what arrived while watching).
const CHAT_LINES: usize = 50;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub username: String,
    pub text: String,
}

/// The party watched.
#[derive(Debug, Clone)]
pub struct Watch {
    /// Its public status (never anyone's round).
    pub status: PartyStatusResponse,
    /// Whether this spectator asked for a seat in the next game.
    pub join_next_game: bool,
    /// The last event applied.
    pub seq: i64,
    pub conn: ConnState,
    pub chat: VecDeque<ChatLine>,
    /// The chat line is being typed (letters go to it, not to the keys).
    pub typing: bool,
    pub input: String,
    /// The new lobby play-again opened, while the client finds out whether
    /// it has a seat there.
    pub next: Option<SessionId>,
}

impl Watch {
    pub fn new(s: SpectatorStatusResponse) -> Self {
        Watch {
            seq: s.status.seq,
            join_next_game: s.join_next_game,
            status: s.status,
            conn: ConnState::Connecting,
            chat: VecDeque::new(),
            typing: false,
            input: String::new(),
            next: None,
        }
    }

    pub fn session_id(&self) -> SessionId {
        self.status.session_id
    }
}

fn session(app: &App) -> Option<SessionId> {
    app.watch.as_ref().map(Watch::session_id)
}

/// Stops watching: back to the dashboard.
fn stop(app: &mut App) -> Vec<Effect> {
    app.watch = None;
    leave_party_view(app);
    vec![Effect::CloseSpectatorWs, call(ApiCall::Dashboard)]
}

/// The answer to watching by code: the spectator screen, or the password
/// dialog when the party has one.
pub(super) fn on_spectating(
    app: &mut App,
    code: String,
    result: ApiResult<SpectatorStatusResponse>,
) -> Vec<Effect> {
    match result {
        Ok(s) => watch(app, s),
        Err(err) if err.is(ErrorCode::PartyPasswordRequired) => {
            prompt::open(app, PromptKind::WatchPassword(code));
            vec![]
        }
        Err(err) if err.is(ErrorCode::PartyPasswordInvalid) => {
            show(app, &err);
            prompt::open(app, PromptKind::WatchPassword(code));
            vec![]
        }
        Err(err) if err.is(ErrorCode::TooManyPasswordAttempts) => {
            app.error = Some(format!(
                "Too many wrong passwords for this party: {}",
                err.message
            ));
            vec![]
        }
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

/// Starts showing a party as its spectator: its socket from its status's seq.
fn watch(app: &mut App, s: SpectatorStatusResponse) -> Vec<Effect> {
    let chat = app.watch.take().map(|w| w.chat).unwrap_or_default();
    let session = s.status.session_id;
    let seq = s.status.seq;
    app.results = None;
    app.reveal = None;
    app.set_details.clear();
    app.selected = 0;
    app.screen = Screen::Spectate;
    let mut w = Watch::new(s);
    // The chat so far stays on screen when the next lobby is watched.
    w.chat = chat;
    app.watch = Some(w);
    let mut effects = vec![Effect::ConnectSpectatorWs {
        session,
        since: Some(seq),
    }];
    effects.extend(results_if_public(app));
    effects
}

/// The results, once the party is at RESULTS and they are not loaded yet.
fn results_if_public(app: &App) -> Vec<Effect> {
    let Some(w) = &app.watch else { return vec![] };
    let public = matches!(
        w.status.current_phase,
        PartyPhase::Results | PartyPhase::Completed
    );
    let loaded = app
        .results
        .as_ref()
        .is_some_and(|r| r.session_id == w.session_id());
    if public && !loaded {
        vec![call(ApiCall::SpectatorResults(w.session_id()))]
    } else {
        vec![]
    }
}

/// A fresh spectator status: the truth, unless older than the last event.
pub(super) fn on_status(app: &mut App, result: ApiResult<SpectatorStatusResponse>) -> Vec<Effect> {
    let s = match result {
        Ok(s) => s,
        Err(err) if err.is(ErrorCode::NotASpectator) || err.is(ErrorCode::SessionNotFound) => {
            let effects = stop(app);
            app.error = Some("You are no longer watching that party.".into());
            return effects;
        }
        Err(err) => {
            show(app, &err);
            return vec![];
        }
    };
    let Some(w) = app.watch.as_mut() else {
        return vec![];
    };
    if w.next == Some(s.status.session_id) {
        // Not seated: watch the new lobby instead.
        return watch(app, s);
    }
    if w.session_id() != s.status.session_id || s.status.seq < w.seq {
        return vec![];
    }
    w.seq = s.status.seq;
    w.join_next_game = s.join_next_game;
    w.status = s.status;
    results_if_public(app)
}

/// The results arrived: the reveal plays, as for the players.
pub(super) fn on_results(app: &mut App, result: ApiResult<PartyResultsResponse>) -> Vec<Effect> {
    match result {
        Ok(results) if Some(results.session_id) == session(app) => {
            app.results = Some(results);
            app.selected = 0;
            reveal::start(app)
        }
        Ok(_) => vec![],
        Err(err) => {
            show(app, &err);
            vec![]
        }
    }
}

pub(super) fn on_next_game(app: &mut App, result: ApiResult<NextGameResponse>) {
    match result {
        Ok(r) => {
            if let Some(w) = app.watch.as_mut() {
                w.join_next_game = r.join_next_game;
            }
            app.toast(if r.join_next_game {
                "You will play the next game if there is a seat."
            } else {
                "You will keep watching the next game."
            });
        }
        Err(err) => show(app, &err),
    }
}

/// A chat message went out: clear the line. A refusal (too fast, too
/// long) keeps it, to send again.
pub(super) fn on_chat(app: &mut App, result: ApiResult<ChatResponse>) {
    match result {
        Ok(_) => {
            if let Some(w) = app.watch.as_mut() {
                w.input.clear();
            }
        }
        Err(err) => show(app, &err),
    }
}

/// Where the server has this player after a play-again they asked a seat
/// in: the new lobby, as a player; else watch it.
pub(super) fn on_active(app: &mut App, result: ApiResult<ActivePartyResponse>) -> Vec<Effect> {
    let Some(next) = app.watch.as_ref().and_then(|w| w.next) else {
        return vec![];
    };
    match result {
        Ok(active) if active.session_id == Some(next) => {
            app.watch = None;
            leave_party_view(app);
            app.toast("You have a seat in the next game!");
            vec![Effect::CloseSpectatorWs, call(ApiCall::Status(next))]
        }
        _ => vec![call(ApiCall::SpectatorStatus(next))],
    }
}

/// What the spectator socket reports.
pub(super) fn on_socket(app: &mut App, event: SocketEvent<SpectatorSocketMessage>) -> Vec<Effect> {
    let Some(w) = app.watch.as_mut() else {
        return vec![];
    };
    match event {
        SocketEvent::Connected => w.conn = ConnState::Live,
        SocketEvent::Disconnected {
            retry_in: Some(_), ..
        } => {
            let attempt = match w.conn {
                ConnState::Reconnecting { attempt } => attempt + 1,
                _ => 1,
            };
            w.conn = ConnState::Reconnecting { attempt };
        }
        SocketEvent::Disconnected { retry_in: None, .. } => {
            w.conn = ConnState::Polling;
            app.toast("Live updates are unavailable; refreshing every 2 s instead.");
        }
        SocketEvent::Message(msg) => return on_message(app, *msg),
    }
    vec![]
}

fn on_message(app: &mut App, msg: SpectatorSocketMessage) -> Vec<Effect> {
    let Some(w) = app.watch.as_mut() else {
        return vec![];
    };
    let session = w.session_id();
    let msg = match msg {
        SpectatorSocketMessage::Notice(SpectatorNotice::SpectatorChat {
            session_id,
            username,
            text,
            ..
        }) if session_id == session => {
            w.chat.push_back(ChatLine {
                username,
                text: text.to_string(),
            });
            while w.chat.len() > CHAT_LINES {
                w.chat.pop_front();
            }
            return vec![];
        }
        SpectatorSocketMessage::Notice(SpectatorNotice::ReadOnly { message, .. }) => {
            app.error = Some(message);
            return vec![];
        }
        SpectatorSocketMessage::Notice(_) => return vec![],
        SpectatorSocketMessage::Party(m) => m,
    };
    if msg.session_id != session {
        return vec![];
    }
    if let ServerEvent::SessionUpdate(snapshot) = msg.event {
        let join = w.join_next_game;
        return on_status(
            app,
            Ok(SpectatorStatusResponse {
                status: snapshot.into_status(msg.session_id, msg.seq),
                join_next_game: join,
            }),
        );
    }
    if matches!(msg.event, ServerEvent::Pong | ServerEvent::Hello { .. }) || msg.seq <= w.seq {
        return vec![];
    }
    let refresh = call(ApiCall::SpectatorStatus(session));
    if msg.seq != w.seq + 1 {
        // A gap: a fresh status, and the socket resumed from what we have.
        return vec![
            refresh,
            Effect::ConnectSpectatorWs {
                session,
                since: Some(w.seq),
            },
        ];
    }
    w.seq = msg.seq;
    match msg.event {
        ServerEvent::PlayAgain {
            new_session_id,
            party_code,
            ..
        } => {
            w.next = Some(new_session_id);
            let asked = w.join_next_game;
            app.toast(format!(
                "The host opened the next game: lobby {party_code}."
            ));
            // Seated or not, the old party's socket has nothing more to say.
            let mut effects = vec![Effect::CloseSpectatorWs];
            effects.push(if asked {
                call(ApiCall::ActiveParty)
            } else {
                call(ApiCall::SpectatorStatus(new_session_id))
            });
            return effects;
        }
        ServerEvent::PhaseTransition { message, .. }
        | ServerEvent::SessionCompleted { message, .. }
        | ServerEvent::SessionStarted { message, .. } => app.toast(message),
        ServerEvent::PlayerJoined { username, .. } => app.toast(format!("{username} joined")),
        ServerEvent::PlayerLeft { username, .. } => app.toast(format!("{username} left")),
        // Players' reactions change nothing in the status (thousands of
        // spectators must not all ask for it again): only the favourite
        // phrase shown with the awards.
        ServerEvent::ReactionsChanged {
            favourite_phrase, ..
        } => {
            if let Some(results) = app.results.as_mut() {
                results.awards.favourite_phrase = favourite_phrase;
            }
            return vec![];
        }
        _ => {}
    }
    vec![refresh]
}

/// The clock: a spectator whose socket gave up polls its status.
pub(super) fn on_tick(app: &mut App) -> Vec<Effect> {
    let Some(w) = &app.watch else { return vec![] };
    if w.conn == ConnState::Polling && (app.now - app.last_poll).whole_seconds() >= 2 {
        app.last_poll = app.now;
        return vec![call(ApiCall::SpectatorStatus(w.session_id()))];
    }
    vec![]
}

/// A key on the spectator screen.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let Some(w) = app.watch.as_mut() else {
        app.screen = Screen::Dashboard;
        return vec![];
    };
    let session = w.session_id();
    if w.typing {
        match code {
            KeyCode::Esc => w.typing = false,
            KeyCode::Backspace => {
                w.input.pop();
            }
            KeyCode::Enter if !w.input.trim().is_empty() => {
                return vec![call(ApiCall::Chat(session, w.input.trim().to_owned()))];
            }
            KeyCode::Char(c) if w.input.chars().count() < CHAT_MAX_CHARS => w.input.push(c),
            _ => {}
        }
        return vec![];
    }
    let join = w.join_next_game;
    if app.results.is_some()
        && let Some(effects) = reveal::on_key(app, code)
    {
        return effects;
    }
    match code {
        KeyCode::Char('t') | KeyCode::Enter => {
            if let Some(w) = app.watch.as_mut() {
                w.typing = true;
            }
            vec![]
        }
        KeyCode::Char('n') => vec![call(ApiCall::NextGame(session, !join))],
        KeyCode::Char('g') => vec![call(ApiCall::SpectatorStatus(session))],
        KeyCode::Up => {
            app.selected = app.selected.saturating_sub(1);
            vec![]
        }
        KeyCode::Down => {
            app.selected += 1;
            vec![]
        }
        KeyCode::Char('l') | KeyCode::Esc => {
            let mut effects = stop(app);
            effects.push(call(ApiCall::StopSpectating(session)));
            effects
        }
        KeyCode::Char('q') => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => vec![],
    }
}

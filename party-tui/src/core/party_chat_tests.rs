//! Update-logic tests of the players' party chat: loaded when the lobby or
//! the results show a party, typed and sent, kept up to date by the party
//! socket without touching the event count, and muting the selected player.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::PartyPhase;
use party_protocol::party_chat::{ChatPage, ChatText, MuteResponse, PartyChatMessage};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::{ErrorCode, PlayerId};

use super::{ApiCall, ApiReply, App, Effect, Msg, Screen, SocketEvent, update};
use crate::api::ClientError;
use crate::fixtures::{self, NOW, app, player, session};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

fn calls(effects: &[Effect]) -> Vec<ApiCall> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

pub(crate) fn line(id: i64, who: PlayerId, name: &str, text: &str) -> PartyChatMessage {
    PartyChatMessage {
        message_id: id,
        player_id: who,
        username: name.into(),
        text: ChatText::parse(text).expect("a valid chat text"),
        sent_at: NOW,
    }
}

fn texts(a: &App) -> Vec<String> {
    a.chat.lines.iter().map(|m| m.text.to_string()).collect()
}

/// alice in the lobby, its chat loaded with one line from bob.
fn in_lobby() -> App {
    let mut a = app(Screen::Dashboard);
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    assert_eq!(a.screen, Screen::Lobby);
    assert!(calls(&effects).contains(&ApiCall::ChatPage(session())));
    update(
        &mut a,
        reply(ApiReply::ChatPage(
            session(),
            Ok(ChatPage {
                messages: vec![line(1, player(2), "bob", "hi all")],
                next_before: None,
                muted: vec![],
            }),
        )),
    );
    a
}

#[test]
fn the_lobby_loads_the_chat_once_and_the_socket_adds_lines_without_an_event() {
    let mut a = in_lobby();
    assert_eq!(texts(&a), ["hi all"]);
    // A fresh status of the same lobby does not load it again.
    let again = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    assert!(!calls(&again).contains(&ApiCall::ChatPage(session())));
    let seq = a.seq;
    let chat = ServerMessage {
        event: ServerEvent::PartyChat(line(2, player(4), "dana", "ready soon")),
        session_id: session(),
        seq,
        timestamp: NOW,
    };
    let effects = update(
        &mut a,
        Msg::Ws(SocketEvent::Message(Box::new(chat.clone()))),
    );
    assert!(effects.is_empty(), "no gap, no refresh: {effects:?}");
    assert_eq!(texts(&a), ["hi all", "ready soon"]);
    assert_eq!(a.seq, seq, "chat is no event");
    // The same line twice (the reply to sending and the socket) shows once.
    update(&mut a, Msg::Ws(SocketEvent::Message(Box::new(chat))));
    assert_eq!(texts(&a), ["hi all", "ready soon"]);
}

#[test]
fn typing_sends_the_line_and_a_refusal_keeps_it() {
    let mut a = in_lobby();
    update(&mut a, key(KeyCode::Char('t')));
    assert!(a.chat.typing);
    // Letters go to the line, not to the lobby's keys (r would be ready).
    for c in "ready?".chars() {
        assert!(calls(&update(&mut a, key(KeyCode::Char(c)))).is_empty());
    }
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        calls(&effects),
        [ApiCall::SendChat(session(), "ready?".into())]
    );
    update(
        &mut a,
        reply(ApiReply::ChatSent(Err(ClientError {
            code: Some(ErrorCode::RateLimited),
            message: "Too many requests. Try again in 2 s.".into(),
        }))),
    );
    assert_eq!(a.chat.input, "ready?");
    assert_eq!(
        a.error.as_deref(),
        Some("Too many requests. Try again in 2 s.")
    );
    update(
        &mut a,
        reply(ApiReply::ChatSent(Ok(line(
            2,
            player(1),
            "alice",
            "ready?",
        )))),
    );
    assert!(a.chat.input.is_empty());
    assert_eq!(texts(&a), ["hi all", "ready?"]);
    update(&mut a, key(KeyCode::Esc));
    assert!(!a.chat.typing);
    // Not typing: r is ready again.
    let ready = update(&mut a, key(KeyCode::Char('r')));
    assert!(matches!(calls(&ready)[..], [ApiCall::Ready(_, _)]));
}

#[test]
fn m_mutes_the_selected_player_and_hides_their_lines() {
    let mut a = in_lobby();
    // alice herself is selected first: nobody to mute.
    assert!(calls(&update(&mut a, key(KeyCode::Char('m')))).is_empty());
    assert!(a.error.is_some());
    update(&mut a, key(KeyCode::Down));
    let effects = update(&mut a, key(KeyCode::Char('m')));
    assert_eq!(calls(&effects), [ApiCall::Mute(session(), player(2), true)]);
    let reload = update(
        &mut a,
        reply(ApiReply::Muted(Ok(MuteResponse {
            muted: vec![player(2)],
        }))),
    );
    assert!(texts(&a).is_empty(), "bob's lines are gone");
    assert_eq!(calls(&reload), [ApiCall::ChatPage(session())]);
    // Pressed again on bob: unmute.
    let effects = update(&mut a, key(KeyCode::Char('m')));
    assert_eq!(
        calls(&effects),
        [ApiCall::Mute(session(), player(2), false)]
    );
}

#[test]
fn chat_is_kept_through_the_rounds_and_typed_on_the_scoreboard() {
    let mut a = in_lobby();
    update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Prompt)))),
    );
    assert_eq!(a.screen, Screen::Play);
    update(&mut a, key(KeyCode::Char('t')));
    assert!(!a.chat.typing, "no chat during rounds");
    let mut status = fixtures::status(PartyPhase::Results);
    status.status = party_protocol::party::SessionStatus::Completed;
    let effects = update(&mut a, reply(ApiReply::Status(Ok(status))));
    assert!(!calls(&effects).contains(&ApiCall::ChatPage(session())));
    assert_eq!(texts(&a), ["hi all"], "the lobby's lines stay");
    update(&mut a, reply(ApiReply::Results(Ok(fixtures::results()))));
    assert_eq!(a.screen, Screen::Results);
    // While the reveal plays, t is no chat key; on the scoreboard it is.
    assert!(a.reveal.is_some());
    update(&mut a, key(KeyCode::Char('t')));
    assert!(!a.chat.typing);
    update(&mut a, key(KeyCode::Char('s')));
    assert!(a.reveal.is_none());
    update(&mut a, key(KeyCode::Char('t')));
    assert!(a.chat.typing, "t types on the scoreboard");
    // Letters and Enter go to the line, not to the scoreboard's keys.
    update(&mut a, key(KeyCode::Char('g')));
    update(&mut a, key(KeyCode::Char('g')));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        [ApiCall::SendChat(session(), "gg".into())]
    );
}

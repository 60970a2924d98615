//! Update-logic tests of who plays with whom and of spectators: the
//! password dialog and its retry, access modes, the friends screen, live
//! invites, and watching a party through to a seat in the next game.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::friends::PlayerMessage;
use party_protocol::party::{ActivePartyResponse, PartyPhase};
use party_protocol::party_access::{PartyAccess, PartyPassword};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::spectate::{ChatText, SpectatorNotice, SpectatorSocketMessage};
use party_protocol::{ErrorCode, SessionId};

use super::{
    ApiCall, ApiReply, App, ConnState, Effect, Msg, PromptKind, Screen, SocketEvent, update,
};
use crate::api::ClientError;
use crate::api_social::FriendAction;
use crate::fixtures::{self, NOW, app, player, session};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(a: &mut App, text: &str) {
    for c in text.chars() {
        update(a, key(KeyCode::Char(c)));
    }
}

fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

fn err(code: ErrorCode) -> ClientError {
    ClientError {
        code: Some(code),
        message: format!("{code:?}"),
    }
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

fn password(p: &str) -> PartyPassword {
    PartyPassword::parse(p).expect("a valid password")
}

#[test]
fn a_password_party_asks_for_the_password_and_retries_the_same_code() {
    let mut a = app(Screen::Join);
    typed(&mut a, "hejy4883");
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::JoinParty("HEJY4883".into())]);
    update(
        &mut a,
        reply(ApiReply::PartyOpened(Err(err(
            ErrorCode::PartyPasswordRequired,
        )))),
    );
    let prompt = a.prompt.clone().expect("the password dialog");
    assert_eq!(prompt.kind, PromptKind::JoinPassword("HEJY4883".into()));
    // Too short: the dialog stays and says why.
    typed(&mut a, "abc");
    assert!(update(&mut a, key(KeyCode::Enter)).is_empty());
    assert!(a.prompt.is_some() && a.error.is_some());
    typed(&mut a, "d?");
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        calls(&effects),
        vec![ApiCall::JoinWithPassword(
            "HEJY4883".into(),
            password("abcd?")
        )]
    );
    assert!(a.prompt.is_none());
    // Wrong: asked again, with the server's word on screen.
    update(
        &mut a,
        reply(ApiReply::PartyOpened(Err(err(
            ErrorCode::PartyPasswordInvalid,
        )))),
    );
    assert!(a.prompt.is_some());
    assert_eq!(a.error.as_deref(), Some("PartyPasswordInvalid"));
}

#[test]
fn too_many_wrong_passwords_is_said_and_asks_no_more() {
    let mut a = app(Screen::Join);
    a.last_join = Some("HEJY4883".into());
    update(
        &mut a,
        reply(ApiReply::PartyOpened(Err(err(
            ErrorCode::TooManyPasswordAttempts,
        )))),
    );
    assert!(a.prompt.is_none());
    assert!(
        a.error
            .as_deref()
            .is_some_and(|e| e.starts_with("Too many wrong passwords"))
    );
}

#[test]
fn creating_a_password_party_asks_for_its_password() {
    let mut a = app(Screen::Create);
    a.create.field = crate::core::state::CreateForm::ACCESS;
    update(&mut a, key(KeyCode::Right));
    assert_eq!(a.create.access(), PartyAccess::Password);
    assert!(update(&mut a, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        a.prompt.as_ref().map(|p| p.kind.clone()),
        Some(PromptKind::CreatePassword)
    );
    typed(&mut a, "open sesame");
    let effects = update(&mut a, key(KeyCode::Enter));
    let Ok([ApiCall::CreateParty(req)]) = <[ApiCall; 1]>::try_from(calls(&effects)) else {
        panic!("not a create: {effects:?}");
    };
    assert_eq!(req.access, Some(PartyAccess::Password));
    assert_eq!(req.password, Some(password("open sesame")));
    // Invite-only needs no password.
    let mut b = app(Screen::Create);
    b.create.values[crate::core::state::CreateForm::ACCESS] = 2;
    let effects = update(&mut b, key(KeyCode::Enter));
    let Ok([ApiCall::CreateParty(req)]) = <[ApiCall; 1]>::try_from(calls(&effects)) else {
        panic!("not a create: {effects:?}");
    };
    assert_eq!(
        (req.access, req.password),
        (Some(PartyAccess::InviteOnly), None)
    );
}

#[test]
fn the_host_steps_the_lobby_through_the_access_modes() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    // Open → password: asked for.
    assert!(update(&mut a, key(KeyCode::Char('a'))).is_empty());
    assert_eq!(
        a.prompt.as_ref().map(|p| p.kind.clone()),
        Some(PromptKind::AccessPassword(session()))
    );
    typed(&mut a, "hunter22");
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::SetAccess(
            session(),
            PartyAccess::Password,
            Some(password("hunter22"))
        )]
    );
    // Password → invite-only → open.
    a.party.as_mut().expect("party").access = PartyAccess::Password;
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('a')))),
        vec![ApiCall::SetAccess(session(), PartyAccess::InviteOnly, None)]
    );
    a.party.as_mut().expect("party").access = PartyAccess::InviteOnly;
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('a')))),
        vec![ApiCall::SetAccess(session(), PartyAccess::Open, None)]
    );
    // Not the host: nothing.
    a.me = Some((player(2), "bob".into()));
    assert!(update(&mut a, key(KeyCode::Char('a'))).is_empty());
}

#[test]
fn the_host_invites_a_friend_picked_with_tab() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('i')))),
        vec![ApiCall::Friends]
    );
    a.friends = Some(fixtures::friends());
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Tab));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::Invite(session(), "dana".into())]
    );
}

#[test]
fn the_friends_screen_acts_on_the_row_chosen() {
    let mut a = app(Screen::Dashboard);
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('f')))),
        vec![ApiCall::Friends]
    );
    assert_eq!(a.screen, Screen::Friends);
    update(
        &mut a,
        reply(ApiReply::Friends(Ok((
            fixtures::friends(),
            party_protocol::friends::BlocksResponse {
                blocked: fixtures::blocked(),
            },
        )))),
    );
    // Row 0 is bob, in a lobby: j joins it; x ends the friendship.
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('j')))),
        vec![ApiCall::JoinParty("HEJY4883".into())]
    );
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('x')))),
        vec![ApiCall::Friend(FriendAction::Remove, "bob".into())]
    );
    // Accepting works on a request only.
    assert!(update(&mut a, key(KeyCode::Char('y'))).is_empty());
    for _ in 0..4 {
        update(&mut a, key(KeyCode::Down));
    }
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('y')))),
        vec![ApiCall::Friend(FriendAction::Accept, "gwen".into())]
    );
    update(&mut a, key(KeyCode::Down));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('c')))),
        vec![ApiCall::Friend(FriendAction::Cancel, "hugo".into())]
    );
    update(&mut a, key(KeyCode::Down));
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('u')))),
        vec![ApiCall::Friend(FriendAction::Unblock, "troll".into())]
    );
    // Done: said, and the list reloaded.
    let effects = update(
        &mut a,
        reply(ApiReply::Friend(
            FriendAction::Unblock,
            "troll".into(),
            Ok(()),
        )),
    );
    assert_eq!(calls(&effects), vec![ApiCall::Friends]);
    assert_eq!(
        a.toasts.back().map(|t| t.text.as_str()),
        Some("troll is unblocked.")
    );
    // a: a username to ask.
    update(&mut a, key(KeyCode::Char('a')));
    typed(&mut a, "ivy");
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::Friend(FriendAction::Request, "ivy".into())]
    );
}

#[test]
fn the_dashboard_holds_the_player_socket_and_shows_its_invites() {
    let mut a = app(Screen::Dashboard);
    a.live_invites = true;
    let effects = update(&mut a, Msg::Tick(NOW));
    assert!(effects.contains(&Effect::ConnectPlayerWs), "{effects:?}");
    update(&mut a, Msg::Player(SocketEvent::Connected));
    update(
        &mut a,
        Msg::Player(SocketEvent::Message(Box::new(PlayerMessage::PartyInvite(
            fixtures::invite(),
        )))),
    );
    assert_eq!(a.invites, vec![fixtures::invite()]);
    // n declines; the answer takes it off the list.
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('n')))),
        vec![ApiCall::DeclineInvite(session())]
    );
    update(&mut a, reply(ApiReply::InviteDeclined(session(), Ok(()))));
    assert!(a.invites.is_empty());
    // y joins, with one key.
    a.invites.push(fixtures::invite());
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('y')))),
        vec![ApiCall::JoinParty("HEJY4883".into())]
    );
    // In the lobby, the player socket closes.
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    assert_eq!(a.screen, Screen::Lobby);
    assert!(effects.contains(&Effect::ClosePlayerWs), "{effects:?}");
    assert!(!a.player_ws);
}

#[test]
fn headless_players_hold_no_player_socket() {
    let mut a = app(Screen::Dashboard);
    assert!(!update(&mut a, Msg::Tick(NOW)).contains(&Effect::ConnectPlayerWs));
}

/// zed on the dashboard, watching the sample party once asked.
fn watching(phase: PartyPhase) -> App {
    let mut a = app(Screen::Dashboard);
    a.me = Some((player(20), "zed".into()));
    update(&mut a, key(KeyCode::Char('w')));
    typed(&mut a, "hejy4883");
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::Spectate("HEJY4883".into(), None)]
    );
    let effects = update(
        &mut a,
        reply(ApiReply::Spectating(
            "HEJY4883".into(),
            Ok(fixtures::spectator_status(phase)),
        )),
    );
    assert_eq!(a.screen, Screen::Spectate);
    assert!(effects.contains(&Effect::ConnectSpectatorWs {
        session: session(),
        since: Some(10)
    }));
    a
}

#[test]
fn a_spectator_takes_reactions_without_asking_for_the_status_again() {
    let mut a = watching(PartyPhase::Results);
    let effects = update(
        &mut a,
        spectator_event(
            11,
            session(),
            ServerEvent::ReactionsChanged {
                phrases: vec![],
                favourite_phrase: None,
            },
        ),
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(a.watch.as_ref().map(|w| w.seq), Some(11));
}

fn spectator_event(seq: i64, session: SessionId, event: ServerEvent) -> Msg {
    Msg::Spectator(SocketEvent::Message(Box::new(
        SpectatorSocketMessage::Party(ServerMessage {
            event,
            session_id: session,
            seq,
            timestamp: NOW,
        }),
    )))
}

#[test]
fn watching_a_password_party_asks_for_its_password() {
    let mut a = app(Screen::Dashboard);
    update(
        &mut a,
        reply(ApiReply::Spectating(
            "HEJY4883".into(),
            Err(err(ErrorCode::PartyPasswordRequired)),
        )),
    );
    typed(&mut a, "letmein");
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::Spectate(
            "HEJY4883".into(),
            Some(password("letmein"))
        )]
    );
}

#[test]
fn a_spectator_follows_events_chat_and_gaps() {
    let mut a = watching(PartyPhase::Copy);
    update(&mut a, Msg::Spectator(SocketEvent::Connected));
    assert_eq!(a.watch.as_ref().map(|w| w.conn), Some(ConnState::Live));
    let chat = SpectatorSocketMessage::Notice(SpectatorNotice::SpectatorChat {
        session_id: session(),
        seq: 10,
        player_id: player(30),
        username: "zoe".into(),
        text: ChatText::parse("go bob").expect("chat"),
        timestamp: NOW,
    });
    update(&mut a, Msg::Spectator(SocketEvent::Message(Box::new(chat))));
    let w = a.watch.as_ref().expect("watching");
    assert_eq!(w.chat.back().map(|c| c.text.as_str()), Some("go bob"));
    let joined = ServerEvent::PlayerLeft {
        player_id: player(4),
        username: "dana".into(),
        participant_count: 3,
    };
    let effects = update(&mut a, spectator_event(11, session(), joined.clone()));
    assert_eq!(calls(&effects), vec![ApiCall::SpectatorStatus(session())]);
    // A gap: a fresh status and the socket resumed from 11.
    let effects = update(&mut a, spectator_event(14, session(), joined));
    assert!(effects.contains(&Effect::ConnectSpectatorWs {
        session: session(),
        since: Some(11)
    }));
}

#[test]
fn chat_is_typed_sent_and_kept_when_refused() {
    let mut a = watching(PartyPhase::Vote);
    update(&mut a, key(KeyCode::Char('t')));
    typed(&mut a, "nice one");
    // Alt-n (an Esc and an n sent together) types nothing.
    update(
        &mut a,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::ALT)),
    );
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Enter))),
        vec![ApiCall::Chat(session(), "nice one".into())]
    );
    update(
        &mut a,
        reply(ApiReply::Chat(Err(err(ErrorCode::RateLimited)))),
    );
    assert_eq!(a.error.as_deref(), Some("RateLimited"));
    assert_eq!(a.watch.as_ref().map(|w| w.input.as_str()), Some("nice one"));
}

#[test]
fn a_spectator_who_asked_lands_in_the_next_lobby_as_a_player() {
    let mut a = watching(PartyPhase::Results);
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Char('n')))),
        vec![ApiCall::NextGame(session(), true)]
    );
    update(
        &mut a,
        reply(ApiReply::NextGame(Ok(
            party_protocol::spectate::NextGameResponse {
                join_next_game: true,
            },
        ))),
    );
    let next = SessionId::from_uuid(uuid::Uuid::from_u128(0x6e6e));
    let again = ServerEvent::PlayAgain {
        new_session_id: next,
        party_code: fixtures::code("NEXT2345"),
        skipped: vec![],
    };
    let effects = update(&mut a, spectator_event(11, session(), again));
    assert!(effects.contains(&Effect::CloseSpectatorWs));
    assert_eq!(calls(&effects), vec![ApiCall::ActiveParty]);
    let effects = update(
        &mut a,
        reply(ApiReply::ActiveParty(Ok(ActivePartyResponse {
            session_id: Some(next),
            party_code: Some(fixtures::code("NEXT2345")),
            current_phase: Some(PartyPhase::Lobby),
            status: None,
        }))),
    );
    assert_eq!(calls(&effects), vec![ApiCall::Status(next)]);
    assert!(a.watch.is_none());
}

#[test]
fn a_spectator_not_seated_watches_the_next_lobby() {
    let mut a = watching(PartyPhase::Results);
    let next = SessionId::from_uuid(uuid::Uuid::from_u128(0x6e6e));
    let again = ServerEvent::PlayAgain {
        new_session_id: next,
        party_code: fixtures::code("NEXT2345"),
        skipped: vec![],
    };
    let effects = update(&mut a, spectator_event(11, session(), again));
    assert_eq!(calls(&effects), vec![ApiCall::SpectatorStatus(next)]);
    let mut lobby = fixtures::spectator_status(PartyPhase::Lobby);
    lobby.status.session_id = next;
    lobby.status.seq = 2;
    let effects = update(&mut a, reply(ApiReply::SpectatorStatus(Ok(lobby))));
    assert!(effects.contains(&Effect::ConnectSpectatorWs {
        session: next,
        since: Some(2)
    }));
    assert_eq!(a.watch.as_ref().map(super::Watch::session_id), Some(next));
    assert_eq!(a.screen, Screen::Spectate);
}

#[test]
fn leaving_the_spectator_view_stops_watching() {
    let mut a = watching(PartyPhase::Prompt);
    let effects = update(&mut a, key(KeyCode::Char('l')));
    assert!(effects.contains(&Effect::CloseSpectatorWs));
    assert!(calls(&effects).contains(&ApiCall::StopSpectating(session())));
    assert!(a.watch.is_none());
    assert_eq!(a.screen, Screen::Dashboard);
}

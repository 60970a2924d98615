//! Render tests of the players' party chat at 80×24: the chat beside the
//! lobby's players (a line being typed, a muted player) and beside the
//! scoreboard's rankings.

use std::collections::VecDeque;

use party_protocol::party::{PartyPhase, SessionStatus};
use party_protocol::party_chat::{ChatText, PartyChatMessage};

use super::tests::draw;
use crate::core::{ConnState, PartyChat, Screen};
use crate::fixtures::{self, NOW, app, player, session};

fn chat(lines: &[(u128, &str, &str)]) -> PartyChat {
    PartyChat {
        session: Some(session()),
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, (who, name, text))| PartyChatMessage {
                message_id: i as i64 + 1,
                player_id: player(*who),
                username: (*name).into(),
                text: ChatText::parse(text).expect("a valid chat text"),
                sent_at: NOW,
            })
            .collect::<VecDeque<_>>(),
        ..PartyChat::default()
    }
}

#[test]
fn lobby_with_chat_being_typed_and_a_muted_player() {
    let mut a = app(Screen::Lobby);
    a.me = Some((player(2), "bob".into()));
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.conn = ConnState::Live;
    a.selected = 3;
    a.chat = chat(&[
        (1, "alice", "welcome! one more and we start"),
        (2, "bob", "hi all"),
        (1, "alice", "dana, ready?"),
    ]);
    a.chat.muted = vec![player(4)];
    a.chat.typing = true;
    a.chat.input = "see you on the".into();
    let screen = draw(&a);
    for text in [
        "Chat · 1 muted",
        "dana (muted)",
        "bob: hi all",
        "> see you on the▏",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn results_with_chat_beside_the_rankings() {
    let mut a = app(Screen::Results);
    let mut status = fixtures::status(PartyPhase::Results);
    status.status = SessionStatus::Completed;
    a.party = Some(status);
    a.results = Some(fixtures::results());
    a.chat = chat(&[(2, "bob", "gg"), (4, "dana", "that copy fooled me")]);
    let screen = draw(&a);
    for text in ["bob: gg", "t: say · m: mute"] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

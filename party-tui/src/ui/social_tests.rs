//! Render tests of the screens of who plays with whom and of spectators,
//! at 80×24 like the others: the password dialog, the friends screen, an
//! invite on the dashboard, the lobby's access mode and listing, and the
//! spectator view.

use party_protocol::party::PartyPhase;
use party_protocol::party_access::{PartyAccess, PartyListing};

use super::tests::draw;
use crate::core::{App, ChatLine, ConnState, Prompt, PromptKind, Screen, Watch};
use crate::fixtures::{self, app, player};

#[test]
fn password_prompt_after_a_wrong_password() {
    let mut a = app(Screen::Join);
    a.input = "HEJY4883".into();
    a.prompt = Some(Prompt {
        kind: PromptKind::JoinPassword("HEJY4883".into()),
        input: "hunter2".into(),
    });
    a.error = Some("Wrong password for this party.".into());
    let screen = draw(&a);
    // Masked: the password itself never reaches the screen.
    assert!(!screen.contains("hunter2"), "{screen}");
    assert!(screen.contains("•••••••"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn friends_screen_with_presence_requests_and_blocks() {
    let mut a = app(Screen::Friends);
    a.friends = Some(fixtures::friends());
    a.blocked = fixtures::blocked();
    a.selected = 4;
    let screen = draw(&a);
    assert!(screen.contains("in lobby HEJY4883"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dashboard_with_an_invite() {
    let mut a = app(Screen::Dashboard);
    a.invites = vec![fixtures::invite()];
    let screen = draw(&a);
    assert!(
        screen.contains("bob invites you to party HEJY4883"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn lobby_shows_its_access_mode() {
    let mut a = app(Screen::Lobby);
    let mut status = fixtures::status(PartyPhase::Lobby);
    status.access = PartyAccess::InviteOnly;
    a.party = Some(status);
    a.conn = ConnState::Live;
    let screen = draw(&a);
    assert!(screen.contains("invite-only"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_quick_match_lobby_says_so() {
    let mut a = app(Screen::Lobby);
    let mut status = fixtures::status(PartyPhase::Lobby);
    status.listing = PartyListing::QuickMatch;
    a.party = Some(status);
    a.conn = ConnState::Live;
    let screen = draw(&a);
    // Below the access mode, on the code box's bottom edge.
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[1].contains("open: anyone with the code"), "{screen}");
    assert!(
        lines[3].contains(" Quick match: formed from the queue ┘"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// The host of a public password party: the "Share" title, the mode and
/// the listing all fit at 80 columns.
#[test]
fn a_public_lobby_of_a_host_shows_share_mode_and_listing() {
    let mut a = app(Screen::Lobby);
    let mut status = fixtures::status(PartyPhase::Lobby);
    status.listing = PartyListing::Public;
    status.access = PartyAccess::Password;
    a.party = Some(status);
    a.conn = ConnState::Live;
    a.share = crate::share::lines(
        Some("0.0.0.0:8000".parse().expect("an address")),
        None,
        None,
        &["192.168.1.20".parse().expect("an address")],
    );
    let screen = draw(&a);
    for text in [
        "┌ Share — the party code and how to join ",
        " password needed ┐",
        " Public party: in the public list ┘",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

/// A private lobby, the usual kind, says nothing of a listing.
#[test]
fn a_private_lobby_shows_no_listing() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    let screen = draw(&a);
    for text in ["Public party", "Quick match"] {
        assert!(!screen.contains(text), "{text:?} shown:\n{screen}");
    }
}

/// zed, who plays in none of it, watching the sample party.
fn watching(phase: PartyPhase) -> App {
    let mut a = app(Screen::Spectate);
    a.me = Some((player(20), "zed".into()));
    let mut w = Watch::new(fixtures::spectator_status(phase));
    w.conn = ConnState::Live;
    a.watch = Some(w);
    a
}

fn chat(a: &mut App) {
    let w = a.watch.as_mut().expect("watching");
    for (who, text) in [("zoe", "go bob!"), ("yuri", "that copy is sneaky")] {
        w.chat.push_back(ChatLine {
            username: who.into(),
            text: text.into(),
        });
    }
}

#[test]
fn spectator_view_of_a_lobby() {
    let a = watching(PartyPhase::Lobby);
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn spectator_view_mid_round_with_chat() {
    let mut a = watching(PartyPhase::Copy);
    chat(&mut a);
    let w = a.watch.as_mut().expect("watching");
    w.join_next_game = true;
    w.typing = true;
    w.input = "who wrote".into();
    let screen = draw(&a);
    assert!(screen.contains("you play the next game"), "{screen}");
    assert!(screen.contains("3 watching"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn spectator_view_of_the_results_with_chat() {
    let mut a = watching(PartyPhase::Results);
    chat(&mut a);
    a.results = Some(fixtures::results());
    insta::assert_snapshot!(draw(&a));
}

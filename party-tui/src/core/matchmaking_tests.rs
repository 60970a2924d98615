//! Update-logic tests of quick match and the public lobby list: the wait
//! asked for, the wait screen and its status reads, the player socket's
//! `quick_match_formed`, leaving the queue, and paging and joining public
//! lobbies.

use crossterm::event::KeyCode;
use party_protocol::ErrorCode;
use party_protocol::friends::PlayerMessage;
use party_protocol::matchmaking::QuickMatchStatus;
use party_protocol::party::PartyPhase;

use super::state::PARTY_MODE_OFF;
use super::{ApiCall, ApiReply, App, Effect, Msg, PromptKind, Screen, SocketEvent, update};
use crate::api::ClientError;
use crate::fixtures::{self, NOW, app, session};
use crate::fixtures_history::{calls, formed, key, public_page, queued, reply};

fn typed(a: &mut App, text: &str) {
    for c in text.chars() {
        update(a, key(KeyCode::Char(c)));
    }
}

fn err(code: ErrorCode) -> ClientError {
    ClientError {
        code: Some(code),
        message: format!("{code:?}"),
    }
}

/// alice queued (with a 30 s bot fill) and the server's answer in.
fn waiting() -> App {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('m')));
    typed(&mut a, "30");
    update(&mut a, key(KeyCode::Enter));
    update(
        &mut a,
        reply(ApiReply::QuickMatch(Ok(QuickMatchStatus::Queued(queued(
            true,
        ))))),
    );
    a
}

#[test]
fn m_asks_for_the_bot_fill_wait_then_queues_and_shows_the_wait() {
    let mut a = app(Screen::Dashboard);
    assert!(update(&mut a, key(KeyCode::Char('m'))).is_empty());
    assert_eq!(
        a.prompt.as_ref().map(|p| p.kind.clone()),
        Some(PromptKind::QuickMatchWait)
    );
    // Only digits go in.
    typed(&mut a, "3x0");
    assert_eq!(a.prompt.as_ref().map(|p| p.input.as_str()), Some("30"));
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::QuickMatch(Some(30))]);
    assert_eq!(a.screen, Screen::QuickMatch);
    assert!(a.prompt.is_none());
    let quick = a.quick.clone().expect("waiting");
    assert_eq!((quick.bot_fill_after, quick.queued), (Some(30), None));
    update(
        &mut a,
        reply(ApiReply::QuickMatch(Ok(QuickMatchStatus::Queued(queued(
            true,
        ))))),
    );
    assert_eq!(a.quick.and_then(|q| q.queued), Some(queued(true)));
}

#[test]
fn an_empty_wait_is_humans_only_and_one_out_of_range_is_refused() {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('m')));
    typed(&mut a, "601");
    assert!(update(&mut a, key(KeyCode::Enter)).is_empty());
    assert!(a.prompt.is_some(), "the dialog stays open");
    assert!(
        a.error.as_deref().is_some_and(|e| e.contains("0 to 600")),
        "{:?}",
        a.error
    );
    for _ in 0..3 {
        update(&mut a, key(KeyCode::Backspace));
    }
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::QuickMatch(None)]);
}

#[test]
fn a_refused_quick_match_goes_back_to_the_dashboard_and_says_why() {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('m')));
    update(&mut a, key(KeyCode::Enter));
    update(
        &mut a,
        reply(ApiReply::QuickMatch(Err(err(ErrorCode::AlreadyInParty)))),
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.quick.is_none());
    assert_eq!(a.error.as_deref(), Some("AlreadyInParty"));
}

#[test]
fn quick_match_formed_on_the_player_socket_lands_in_the_lobby() {
    let mut a = waiting();
    a.live_invites = true;
    // The wait screen holds the player socket: the match arrives on it.
    update(&mut a, Msg::Tick(NOW));
    assert!(a.player_ws, "the wait screen holds the player socket");
    let effects = update(
        &mut a,
        Msg::Player(SocketEvent::Message(Box::new(
            PlayerMessage::QuickMatchFormed(formed()),
        ))),
    );
    assert_eq!(calls(&effects), vec![ApiCall::Status(session())]);
    assert!(a.quick.is_none());
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(fixtures::status(PartyPhase::Lobby)))),
    );
    assert_eq!(a.screen, Screen::Lobby);
    // The lobby has its own socket; the player socket closes.
    assert!(effects.contains(&Effect::ClosePlayerWs), "{effects:?}");
}

#[test]
fn the_wait_screen_reads_the_status_on_the_clock_and_lands_when_matched() {
    let mut a = waiting();
    let at = |s: i64| Msg::Tick(NOW + time::Duration::seconds(s));
    assert!(calls(&update(&mut a, at(1))).is_empty());
    assert_eq!(
        calls(&update(&mut a, at(3))),
        vec![ApiCall::QuickMatchStatus]
    );
    // Not again before the next period.
    assert!(calls(&update(&mut a, at(4))).is_empty());
    let mut later = queued(true);
    later.position = 1;
    update(
        &mut a,
        reply(ApiReply::QuickMatch(Ok(QuickMatchStatus::Queued(
            later.clone(),
        )))),
    );
    assert_eq!(a.quick.as_ref().and_then(|q| q.queued.clone()), Some(later));
    let effects = update(
        &mut a,
        reply(ApiReply::QuickMatch(Ok(
            QuickMatchStatus::Matched(formed()),
        ))),
    );
    assert_eq!(calls(&effects), vec![ApiCall::Status(session())]);
}

#[test]
fn leaving_the_queue_is_one_key_and_a_match_a_moment_before_wins() {
    let mut a = waiting();
    let effects = update(&mut a, key(KeyCode::Char('l')));
    assert_eq!(calls(&effects), vec![ApiCall::LeaveQuickMatch]);
    // Matched just before: not queued any more; the status says where.
    let effects = update(
        &mut a,
        reply(ApiReply::LeftQueue(Err(err(ErrorCode::NotQueued)))),
    );
    assert_eq!(calls(&effects), vec![ApiCall::QuickMatchStatus]);
    assert_eq!(a.screen, Screen::QuickMatch);
    // Esc leaves too; this time the queue lets go.
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Esc))),
        vec![ApiCall::LeaveQuickMatch]
    );
    update(
        &mut a,
        reply(ApiReply::LeftQueue(Ok(QuickMatchStatus::Idle))),
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.quick.is_none());
    // A status read answered after that changes nothing.
    update(
        &mut a,
        reply(ApiReply::QuickMatch(Ok(QuickMatchStatus::Queued(queued(
            true,
        ))))),
    );
    assert!(a.quick.is_none());
    assert_eq!(a.screen, Screen::Dashboard);
}

#[test]
fn p_lists_public_lobbies_pages_them_and_enter_joins_one() {
    let mut a = app(Screen::Dashboard);
    let effects = update(&mut a, key(KeyCode::Char('p')));
    assert_eq!(calls(&effects), vec![ApiCall::PublicParties(0)]);
    assert_eq!(a.screen, Screen::PublicParties);
    update(
        &mut a,
        reply(ApiReply::PublicParties(0, Ok(public_page(true)))),
    );
    // The next page, then back; the late answer for the page left is dropped.
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Right))),
        vec![ApiCall::PublicParties(15)]
    );
    assert_eq!(
        calls(&update(&mut a, key(KeyCode::Left))),
        vec![ApiCall::PublicParties(0)]
    );
    update(
        &mut a,
        reply(ApiReply::PublicParties(15, Ok(public_page(false)))),
    );
    assert!(a.public.page.is_none());
    update(
        &mut a,
        reply(ApiReply::PublicParties(0, Ok(public_page(true)))),
    );
    assert_eq!(a.public.parties().len(), 3);
    // The second lobby has a password: joining asks for it.
    update(&mut a, key(KeyCode::Down));
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(calls(&effects), vec![ApiCall::JoinParty("KMNP2345".into())]);
    update(
        &mut a,
        reply(ApiReply::PartyOpened(Err(err(
            ErrorCode::PartyPasswordRequired,
        )))),
    );
    assert_eq!(
        a.prompt.map(|p| p.kind),
        Some(PromptKind::JoinPassword("KMNP2345".into()))
    );
}

#[test]
fn the_last_public_page_does_not_page_on_and_esc_goes_back() {
    let mut a = app(Screen::Dashboard);
    update(&mut a, key(KeyCode::Char('p')));
    update(
        &mut a,
        reply(ApiReply::PublicParties(0, Ok(public_page(false)))),
    );
    assert!(update(&mut a, key(KeyCode::Right)).is_empty());
    assert!(update(&mut a, key(KeyCode::Left)).is_empty());
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.screen, Screen::Dashboard);
}

#[test]
fn with_party_mode_off_the_new_dashboard_keys_only_say_so() {
    let mut a = app(Screen::Dashboard);
    if let Some(d) = a.dashboard.as_mut() {
        d.party_mode = false;
    }
    for c in ['m', 'p', 'h', 's', 'l'] {
        let effects = update(&mut a, key(KeyCode::Char(c)));
        assert!(calls(&effects).is_empty(), "{c}: {effects:?}");
        assert_eq!(a.screen, Screen::Dashboard, "{c}");
        assert!(a.prompt.is_none(), "{c}");
        assert_eq!(a.error.as_deref(), Some(PARTY_MODE_OFF), "{c}");
    }
}

//! Update-logic tests of an abandoned party: once it had started, the
//! client leaves the play screen for the party's results (which carry the
//! ABANDONED status and the refunds) instead of dropping the player on the
//! dashboard; a lobby abandoned before the start still goes back there.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::{PartyPhase, PartyStatusResponse, SessionStatus};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::round::RoundType;

use super::{ApiCall, ApiReply, App, ConnState, Effect, Msg, Screen, WsEvent, update};
use crate::fixtures::{self, NOW, app, session, set_id};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn reply(r: ApiReply) -> Msg {
    Msg::Api(Box::new(r))
}

fn abandoned_status(phase: PartyPhase, seq: i64) -> PartyStatusResponse {
    let mut status = fixtures::status(phase);
    status.status = SessionStatus::Abandoned;
    status.phase_expires_at = None;
    status.seq = seq;
    status
}

/// Alice, the host, in COPY with a copy round open and the socket live.
fn copying() -> App {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Copy));
    a.round = Some(fixtures::round(RoundType::Copy));
    a.seq = 10;
    a.conn = ConnState::Live;
    a
}

#[test]
fn an_abandoned_party_shows_its_results_under_the_banner() {
    let mut a = copying();
    // The socket says the party ended: the client asks for the truth.
    let effects = update(
        &mut a,
        Msg::Ws(WsEvent::Message(Box::new(ServerMessage {
            event: ServerEvent::SessionCompleted {
                status: SessionStatus::Abandoned,
                completed_at: NOW,
                message: "The party was idle too long and has ended.".into(),
            },
            session_id: session(),
            seq: 11,
            timestamp: NOW,
        }))),
    );
    assert!(effects.contains(&Effect::Call(ApiCall::Status(session()))));

    // The status says ABANDONED in COPY: the open round is gone, the socket
    // closed, the results asked for — and no new round started, though
    // alice still owes copies.
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(abandoned_status(PartyPhase::Copy, 11)))),
    );
    assert_eq!(
        effects,
        vec![Effect::CloseWs, Effect::Call(ApiCall::Results(session()))]
    );
    assert!(a.round.is_none());
    assert!(!a.busy);
    assert_eq!(a.conn, ConnState::Idle);
    assert_eq!(
        a.session_id(),
        Some(session()),
        "still looking at the party"
    );
    assert_eq!(a.error, None);

    // The results arrive: the scoreboard comes first (no reveal plays), the
    // sets' details are still fetched for browsing, the balance refreshed.
    let mut results = fixtures::abandoned_results();
    results.phrasesets_summary = fixtures::results().phrasesets_summary;
    let effects = update(&mut a, reply(ApiReply::Results(Ok(results))));
    assert_eq!(a.screen, Screen::Results);
    assert!(a.results_abandoned());
    assert_eq!(a.reveal, None);
    for i in 0..2 {
        assert!(effects.contains(&Effect::Call(ApiCall::PhrasesetResults(set_id(i)))));
    }
    assert!(effects.contains(&Effect::Call(ApiCall::Dashboard)));

    // A status read again (polling, say) changes nothing and asks nothing.
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(abandoned_status(PartyPhase::Copy, 11)))),
    );
    assert_eq!(effects, vec![Effect::CloseWs]);
    assert_eq!(a.screen, Screen::Results);
    assert!(a.results.is_some());

    // No play-again from an abandoned party, even for the host; the sets
    // can be browsed; d goes back to the dashboard.
    assert!(a.is_host());
    assert!(update(&mut a, key('p')).is_empty());
    update(&mut a, key('v'));
    assert!(a.reveal.is_some(), "the phrasesets stay browsable");
    update(
        &mut a,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    let effects = update(&mut a, key('d'));
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.party.is_none());
    assert!(effects.contains(&Effect::Call(ApiCall::Dashboard)));
}

#[test]
fn completed_results_still_offer_play_again_to_the_host() {
    let mut a = app(Screen::Results);
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.results = Some(fixtures::results());
    assert!(!a.results_abandoned());
    assert_eq!(
        update(&mut a, key('p')),
        vec![Effect::Call(ApiCall::PlayAgain(session()))]
    );
}

#[test]
fn a_lobby_abandoned_before_the_start_goes_back_to_the_dashboard() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.seq = 10;
    a.conn = ConnState::Live;
    let effects = update(
        &mut a,
        reply(ApiReply::Status(Ok(abandoned_status(
            PartyPhase::Lobby,
            11,
        )))),
    );
    assert_eq!(
        effects,
        vec![Effect::CloseWs, Effect::Call(ApiCall::Dashboard)]
    );
    assert_eq!(a.screen, Screen::Dashboard);
    assert!(a.party.is_none());
    assert!(
        a.error
            .as_deref()
            .is_some_and(|e| e.contains("lobby closed")),
        "{:?}",
        a.error
    );
}

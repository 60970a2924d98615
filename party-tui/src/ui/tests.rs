//! Render tests: every screen and its main states at 80×24, as text
//! snapshots (styles aside). Review changes with `cargo insta review`.

use party_protocol::party::{ConnectionStatus, PartyPhase};
use party_protocol::round::RoundType;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Theme, render};
use crate::core::{App, ConnState, Screen};
use crate::fixtures::{self, app, player};

/// The screen `app` draws at 80×24, as text (styles aside): what every
/// render test snapshots.
pub(super) fn draw(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|f| render(f, app, Theme { color: false }))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn signin() {
    let mut a = App::new("local server http://127.0.0.1:8000", fixtures::NOW);
    a.signin.username = "alice".into();
    a.signin.password = "secret".into();
    a.signin.field = 1;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn dashboard_with_active_party() {
    let mut a = app(Screen::Dashboard);
    a.dashboard = Some(fixtures::dashboard(4790, true));
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn dashboard_over_plain_http_beyond_the_lan_says_not_encrypted() {
    let mut a = app(Screen::Dashboard);
    a.server = "http://203.0.113.7:8000".into();
    a.unencrypted = crate::tls::unencrypted_beyond_lan(&a.server);
    a.dashboard = Some(fixtures::dashboard(4790, false));
    a.conn = ConnState::Live;
    let screen = draw(&a);
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("⚠ not encrypted"))
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn dashboard_with_low_balance_warning() {
    let mut a = app(Screen::Dashboard);
    a.dashboard = Some(fixtures::dashboard(120, false));
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn dashboard_with_party_mode_off() {
    let mut a = app(Screen::Dashboard);
    let mut dashboard = fixtures::dashboard(4790, false);
    dashboard.party_mode = false;
    a.dashboard = Some(dashboard);
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn create_dialog_warns_with_the_cost_of_the_chosen_quotas() {
    let mut a = app(Screen::Create);
    let mut dashboard = fixtures::dashboard(300, false);
    // A copy discount in force: the server's price, not a constant, counts.
    dashboard.round_availability.copy_discount_active = true;
    dashboard.round_availability.copy_cost = party_protocol::Coins::new(40);
    a.dashboard = Some(dashboard);
    a.create.values[2] = 2;
    a.create.values[3] = 5;
    a.create.field = 3;
    let screen = draw(&a);
    // 2 prompts × 100 + 4 copies × 40 + 5 votes × 10.
    assert!(screen.contains("410 FC"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn lobby_with_low_balance_warning() {
    let mut a = app(Screen::Lobby);
    a.me = Some((player(2), "bob".into()));
    a.dashboard = Some(fixtures::dashboard(150, false));
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.conn = ConnState::Live;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn create_dialog() {
    let mut a = app(Screen::Create);
    a.create.field = 3;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn join_dialog_with_error() {
    let mut a = app(Screen::Join);
    a.input = "HEJY48".into();
    a.error = Some("No party with that code or id.".into());
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn lobby_as_host() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.conn = ConnState::Live;
    a.selected = 1;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn lobby_of_a_host_shows_what_to_share() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.conn = ConnState::Live;
    a.share = crate::share::lines(
        Some("0.0.0.0:8000".parse().expect("an address")),
        Some("0.0.0.0:2222".parse().expect("an address")),
        None,
        &["192.168.1.20".parse().expect("an address")],
    );
    let screen = draw(&a);
    // The code and both ways in, together in the one box.
    for text in [
        "┌ Share — the party code and how to join ",
        "H E J Y  -  4 8 8 3",
        "party-tui --server http://192.168.1.20:8000",
        "ssh -p 2222 192.168.1.20",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn lobby_as_guest() {
    let mut a = app(Screen::Lobby);
    a.me = Some((player(2), "bob".into()));
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.conn = ConnState::Live;
    a.toast("dana joined");
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn prompt_round() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Prompt));
    a.round = Some(fixtures::round(RoundType::Prompt));
    a.input = "GARAGE EC".into();
    a.conn = ConnState::Live;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn copy_round_with_validation_error() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Copy));
    a.round = Some(fixtures::round(RoundType::Copy));
    a.input = "HUNGRY OTTERS".into();
    a.error = Some("\"OTTERS\" is too close to \"OTTER\" from the original.".into());
    a.conn = ConnState::Live;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn vote_round() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Vote));
    a.round = Some(fixtures::round(RoundType::Vote));
    a.selected = 2;
    a.conn = ConnState::Live;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn vote_round_on_a_global_set() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Vote));
    let mut round = fixtures::round(RoundType::Vote);
    round.from_party = Some(false);
    a.round = Some(round);
    a.conn = ConnState::Live;
    let screen = draw(&a);
    assert!(screen.contains("Global set, not your party"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn waiting_for_others() {
    let mut a = app(Screen::Play);
    let mut status = fixtures::status(PartyPhase::Copy);
    status.participants[0].copies_submitted = 2;
    status.participants[0].phase_complete = true;
    a.party = Some(status);
    a.conn = ConnState::Live;
    a.toast("bob wrote a copy");
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn disconnected_and_polling() {
    let mut a = app(Screen::Play);
    let mut status = fixtures::status(PartyPhase::Prompt);
    status.participants[0].connection_status = ConnectionStatus::Disconnected;
    a.party = Some(status);
    a.round = Some(fixtures::round(RoundType::Prompt));
    a.conn = ConnState::Polling;
    a.toast("Live updates are unavailable; refreshing every 2 s instead.");
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn reconnecting_indicator() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Vote));
    a.round = Some(fixtures::round(RoundType::Vote));
    a.conn = ConnState::Reconnecting { attempt: 2 };
    let screen = draw(&a);
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("reconnecting")),
        "{screen}"
    );
}

#[test]
fn results_with_awards() {
    let mut a = app(Screen::Results);
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.results = Some(fixtures::results());
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn results_with_play_again_invite() {
    let mut a = app(Screen::Results);
    a.me = Some((player(2), "bob".into()));
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.results = Some(fixtures::results());
    a.invite = Some((
        party_protocol::SessionId::from_uuid(uuid::Uuid::from_u128(7)),
        fixtures::code("KMNP2345"),
    ));
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn results_of_an_abandoned_party() {
    let mut a = app(Screen::Results);
    let mut status = fixtures::status(PartyPhase::Copy);
    status.status = party_protocol::party::SessionStatus::Abandoned;
    a.party = Some(status);
    a.results = Some(fixtures::abandoned_results());
    let screen = draw(&a);
    assert!(
        screen.contains("This party was abandoned — open rounds were refunded."),
        "{screen}"
    );
    assert!(!screen.contains("play again"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn help_overlay() {
    let mut a = app(Screen::Lobby);
    a.party = Some(fixtures::status(PartyPhase::Lobby));
    a.help = true;
    insta::assert_snapshot!(draw(&a));
}

#[test]
fn no_color_means_no_styles() {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    let a = app(Screen::Dashboard);
    terminal
        .draw(|f| render(f, &a, Theme { color: false }))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset),
        "a colored cell under NO_COLOR"
    );
    terminal
        .draw(|f| render(f, &a, Theme { color: true }))
        .expect("draw");
    assert!(
        terminal
            .backend()
            .buffer()
            .content
            .iter()
            .any(|c| c.fg != ratatui::style::Color::Reset)
    );
}

#[test]
fn results_with_the_highlight_reel() {
    let mut a = app(Screen::Results);
    a.results = Some(fixtures::results());
    a.reel = a.results.as_ref().map(crate::highlights::reel);
    insta::assert_snapshot!(draw(&a));
}

//! Render tests of the results screen's reveal at 80×24: every step, the
//! last set giving way to the scoreboard, and a phraseset browsed from the
//! scoreboard. Each is snapshot as text under `NO_COLOR` (which must carry
//! no color at all) and as a styled buffer in color.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::ErrorCode;
use party_protocol::party::PartyPhase;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use super::{Theme, render};
use crate::api::ClientError;
use crate::core::{ApiReply, App, ConnState, Msg, RevealStep, Screen, update};
use crate::fixtures::{self, app, set_id, set_results};

fn buffer(app: &App, color: bool) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|f| render(f, app, Theme { color }))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text; asserts that without color no cell is colored and
/// that color adds styles but not a character.
fn draw(app: &App) -> String {
    let plain = buffer(app, false);
    assert!(
        plain
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "a colored cell under NO_COLOR"
    );
    let colored = buffer(app, true);
    let text = |b: &Buffer| {
        b.content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect::<String>()
    };
    assert_eq!(text(&plain), text(&colored), "color changed the text");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|f| render(f, app, Theme { color: false }))
        .expect("draw");
    terminal.backend().to_string()
}

/// The screen in color: its text and every style run.
fn draw_color(app: &App) -> String {
    format!("{:?}", buffer(app, true))
}

/// Snapshots the screen as text (`NO_COLOR`) and, as `NAME_in_color`, styled.
fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(name, draw(app));
    insta::assert_snapshot!(format!("{name}_in_color"), draw_color(app));
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Alice's client as the party's results arrive: the reveal starts, and
/// the first set's voters and prizes come in.
fn revealing() -> App {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.conn = ConnState::Live;
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::Results(Ok(fixtures::results())))),
    );
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::PhrasesetResults(
            set_id(0),
            Ok(set_results(0)),
        ))),
    );
    a
}

fn step(a: &App) -> Option<(usize, RevealStep)> {
    a.reveal.map(|r| (r.set, r.step))
}

#[test]
fn reveal_1_the_prompt() {
    let a = revealing();
    assert_eq!(step(&a), Some((0, RevealStep::Prompt)));
    snap("reveal_1_the_prompt", &a);
}

#[test]
fn reveal_2_the_phrases() {
    let mut a = revealing();
    press(&mut a, KeyCode::Enter);
    assert_eq!(step(&a), Some((0, RevealStep::Phrases)));
    snap("reveal_2_the_phrases", &a);
}

#[test]
fn reveal_3_the_original_with_authors_voters_and_prizes() {
    let mut a = revealing();
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert_eq!(step(&a), Some((0, RevealStep::Original)));
    let screen = draw(&a);
    assert!(screen.contains("★ 1. GARAGE ECHO"), "{screen}");
    snap("reveal_3_the_original_with_authors_voters_and_prizes", &a);
}

#[test]
fn reveal_4_a_set_whose_voters_are_not_shown_to_the_player() {
    let mut a = revealing();
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::PhrasesetResults(
            set_id(1),
            Err(ClientError {
                code: Some(ErrorCode::NotAContributor),
                message: "Only the authors and voters of a phraseset can see its results.".into(),
            }),
        ))),
    );
    for _ in 0..5 {
        press(&mut a, KeyCode::Enter);
    }
    assert_eq!(step(&a), Some((1, RevealStep::Original)));
    snap(
        "reveal_4_a_set_whose_voters_are_not_shown_to_the_player",
        &a,
    );
}

#[test]
fn reveal_5_the_last_set_gives_way_to_the_scoreboard() {
    let mut a = revealing();
    for _ in 0..6 {
        press(&mut a, KeyCode::Enter);
    }
    assert_eq!(a.reveal, None);
    assert_eq!(a.screen, Screen::Results);
    let screen = draw(&a);
    assert!(screen.contains("Party HEJY4883 results"), "{screen}");
    snap("reveal_5_the_last_set_gives_way_to_the_scoreboard", &a);
}

#[test]
fn browsing_a_phraseset_from_the_scoreboard() {
    let mut a = revealing();
    press(&mut a, KeyCode::Char('s'));
    update(
        &mut a,
        Msg::Api(Box::new(ApiReply::PhrasesetResults(
            set_id(1),
            Ok(set_results(1)),
        ))),
    );
    press(&mut a, KeyCode::Right);
    press(&mut a, KeyCode::Right);
    assert_eq!(step(&a), Some((1, RevealStep::Original)));
    let screen = draw(&a);
    assert!(screen.contains("phraseset 2 of 2"), "{screen}");
    snap("browsing_a_phraseset_from_the_scoreboard", &a);
}
